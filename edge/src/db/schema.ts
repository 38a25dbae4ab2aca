// The D1 schema. Row types come from here ($inferSelect); migrations/ is generated from it by
// drizzle-kit and reviewed. Times are epoch milliseconds (integers) so ranges are cheap index seeks.
import { sql } from "drizzle-orm";
import { sqliteTable, text, integer, real, index, uniqueIndex, primaryKey } from "drizzle-orm/sqlite-core";

export const sites = sqliteTable("sites", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  // The write key is public (it sits in every page), so it is stored as is and looked up directly.
  writeKey: text("write_key").notNull(),
  // Secret keys and read tokens are stored as SHA-256 hex: a leaked database grants nothing.
  secretKeyHash: text("secret_key_hash").notNull(),
  readTokenHash: text("read_token_hash").notNull(),
  // During a rotation the previous secret stays valid until its grace time ends (no downtime).
  previousSecretKeyHash: text("previous_secret_key_hash"),
  previousSecretValidUntil: integer("previous_secret_valid_until"),
  settings: text("settings", { mode: "json" }).$type<SiteSettings>().notNull(),
  createdAt: integer("created_at").notNull(),
  /** The D1 binding holding the site's data: DB or SITE_DB_1..n (sites/site-db.ts). */
  database: text("database").notNull().default("DB"),
  /** Set while the site's data is being copied to this binding (jobs/move-site.ts): its writes wait. */
  movingTo: text("moving_to"),
  /** The current or last move: phase, rows per table, times, error (JSON, jobs/move-site.ts). */
  moveState: text("move_state"),
}, (t) => [uniqueIndex("sites_write_key").on(t.writeKey), uniqueIndex("sites_secret_key").on(t.secretKeyHash)]);

export interface SiteSettings {
  allowedOrigins: string[];
  conversions: string[];
  stages: Record<string, string>;
  redirectHosts: string[];
  /** Session inactivity gap in minutes (default 30). */
  sessionGapMinutes?: number;
  /** Journey lookback window in days (default 30). */
  lookbackDays?: number;
  /** Days raw events are kept; the cron deletes older ones (0 or absent: forever). */
  retentionDays?: number;
  /** Whole days raw events stay in D1 (default 90); journey state and answers outlive them. */
  rawRetentionDays?: number;
  /** Property read as a conversion's value (default "revenue"). */
  revenueProperty?: string;
  /** Ingest buffer objects the site's traffic is spread over (default 8: ~5,000 requests/s). */
  ingestShards?: number;
  /** Rule-based model whose credits a `conversion` webhook carries (default position_based). */
  attributionModel?: string;
  /** Churn-risk score at or above which a person is sent as `person.at_risk` (default 0.7). */
  atRiskThreshold?: number;
  /**
   * Referrer hosts that count as no referrer (payment and checkout pages), each with its
   * subdomains; absent: sites/referral-exclusions.ts's default list. The site's own hosts
   * (allowedOrigins) count as none whatever this says.
   */
  excludedReferrers?: string[];
}

export const events = sqliteTable("events", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  siteId: text("site_id").notNull(),
  messageId: text("message_id").notNull(),
  type: text("type").notNull(),
  event: text("event"),
  userId: text("user_id"),
  anonymousId: text("anonymous_id"),
  // "a:<anonymousId>" or "u:<userId>": the identity this event is keyed by (sessions too).
  identKey: text("ident_key").notNull(),
  sessionId: text("session_id").notNull(),
  ts: integer("ts").notNull(),
  receivedAt: integer("received_at").notNull(),
  channel: text("channel").notNull(),
  // 1 when the sender named the channel (context.channel): such an event is its own touchpoint.
  channelExplicit: integer("channel_explicit").notNull(),
  source: text("source"),
  medium: text("medium"),
  campaign: text("campaign"),
  stage: text("stage"),
  isConversion: integer("is_conversion").notNull(),
  revenue: real("revenue"),
  path: text("path"),
  country: text("country"),
  region: text("region"),
  device: text("device"),
  browser: text("browser"),
  os: text("os"),
  properties: text("properties"),
  context: text("context"),
}, (t) => [
  uniqueIndex("events_message").on(t.siteId, t.messageId),
  index("events_site_ts").on(t.siteId, t.ts),
  index("events_ident_ts").on(t.siteId, t.identKey, t.ts),
  // ident_key last: who did each named event of a range is read from the index alone (/churn's first
  // times per identity and name, query/load/churn.ts), never from the events' rows.
  index("events_site_event_ts").on(t.siteId, t.event, t.ts, t.identKey),
  index("events_session").on(t.sessionId),
  // Touchpoints other than session starts are the events with an explicit channel: a few percent of
  // all events, so a partial index turns a scan of the whole range into a seek over those alone.
  index("events_explicit_ts").on(t.siteId, t.ts, t.sessionId, t.channel).where(sql`channel_explicit = 1`),
  // /vitals reads each web_vital event's page, metric and value out of its properties: held here,
  // the read is a seek over these entries alone rather than a JSON parse of each event's row. The
  // id keeps the rows in the order the table gives them (by time, then id). The expressions are
  // query/load/aggregates.ts vitalSamples' own, as SQLite only matches an index expression by its text.
  index("events_vitals").on(t.siteId, t.ts, t.id, sql`COALESCE(properties ->> '$.path', path)`, sql`properties ->> '$.name'`, sql`properties ->> '$.value'`)
    .where(sql`event = 'web_vital'`),
]);

export const sessions = sqliteTable("sessions", {
  id: text("id").primaryKey(),
  siteId: text("site_id").notNull(),
  identKey: text("ident_key").notNull(),
  startTs: integer("start_ts").notNull(),
  endTs: integer("end_ts").notNull(),
  events: integer("events").notNull(),
  channel: text("channel").notNull(),
  source: text("source"),
  medium: text("medium"),
  campaign: text("campaign"),
  // Campaign key (source|medium|campaign) a new value of which opens a new session.
  campaignKey: text("campaign_key"),
  landingPath: text("landing_path"),
  country: text("country"),
  device: text("device"),
}, (t) => [
  index("sessions_ident").on(t.siteId, t.identKey, t.startTs),
  index("sessions_site_start").on(t.siteId, t.startTs),
  // Journeys read every session start of a range; answered from this index alone, without visiting
  // the rows, that read is about a third faster at 1M events.
  index("sessions_touch").on(t.siteId, t.startTs, t.identKey, t.channel, t.source, t.campaign, t.country, t.device),
]);

/**
 * Identity graph: every anonymousId and userId maps to one person; merging rewrites only this table.
 * WITHOUT ROWID (migration 0018; drizzle cannot say so): the rows live in their key's b-tree, not
 * beside a copy of it. Kept for good (the journey state names people), so its bytes count.
 */
export const identities = sqliteTable("identities", {
  siteId: text("site_id").notNull(),
  identKey: text("ident_key").notNull(),
  personId: text("person_id").notNull(),
  firstSeen: integer("first_seen").notNull(),
}, (t) => [primaryKey({ columns: [t.siteId, t.identKey] }), index("identities_person").on(t.siteId, t.personId)]);

/** Messages judged to come from bots: kept aside and counted, never mixed into events. */
export const filteredEvents = sqliteTable("filtered_events", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  siteId: text("site_id").notNull(),
  messageId: text("message_id").notNull(),
  reason: text("reason").notNull(),
  userAgent: text("user_agent"),
  ts: integer("ts").notNull(),
  receivedAt: integer("received_at").notNull(),
}, (t) => [uniqueIndex("filtered_message").on(t.siteId, t.messageId), index("filtered_site_ts").on(t.siteId, t.receivedAt)]);

/** Raw R2 batches the consumer has stored: the replay sweep re-enqueues any archived batch missing here. */
export const ingestedBatches = sqliteTable("ingested_batches", {
  key: text("key").primaryKey(),
  storedAt: integer("stored_at").notNull(),
});

/** Messages that kept failing in the consumer (the dead-letter queue's landing place). */
export const deadLetters = sqliteTable("dead_letters", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  siteId: text("site_id"),
  payload: text("payload").notNull(),
  error: text("error"),
  receivedAt: integer("received_at").notNull(),
});

export type SiteRow = typeof sites.$inferSelect;
export type EventRow = typeof events.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type IdentityRow = typeof identities.$inferSelect;

/**
 * Daily random salts for cookieless visitor ids (Plausible's scheme): a visitor is a salted hash of
 * site, IP and UA; the cron deletes salts older than two days, after which no hash can be linked
 * back to anyone.
 */
export const salts = sqliteTable("salts", {
  day: text("day").primaryKey(),
  salt: text("salt").notNull(),
});

/** Media spend per day, channel and campaign ("" when the spend is not tied to a campaign). */
export const spend = sqliteTable("spend", {
  siteId: text("site_id").notNull(),
  day: text("day").notNull(),
  channel: text("channel").notNull(),
  campaign: text("campaign").notNull(),
  amount: real("amount").notNull(),
}, (t) => [primaryKey({ columns: [t.siteId, t.day, t.channel, t.campaign] })]);

/** What one touchpoint costs on an operational channel (a call, a chat, a store visit, an e-mail send). */
export const unitCosts = sqliteTable("unit_costs", {
  siteId: text("site_id").notNull(),
  channel: text("channel").notNull(),
  cost: real("cost").notNull(),
}, (t) => [primaryKey({ columns: [t.siteId, t.channel] })]);

/** Churn-risk scores, refreshed by the cron; factors explain each score (JSON). */
export const churnScores = sqliteTable("churn_scores", {
  siteId: text("site_id").notNull(),
  personId: text("person_id").notNull(),
  score: real("score").notNull(),
  factors: text("factors").notNull(),
  stage: text("stage"),
  computedAt: integer("computed_at").notNull(),
}, (t) => [primaryKey({ columns: [t.siteId, t.personId] }), index("churn_scores_rank").on(t.siteId, t.score)]);

/**
 * Webhook destinations of a site (API.md "Act"). The signing secret is read back to sign every
 * delivery, so unlike the site's keys it cannot be kept as a hash; it is never logged nor listed.
 */
export const webhooks = sqliteTable("webhooks", {
  id: text("id").primaryKey(),
  siteId: text("site_id").notNull(),
  url: text("url").notNull(),
  /** Delivery types it takes (JSON array). */
  events: text("events", { mode: "json" }).$type<string[]>().notNull(),
  /** json (the Standard Webhooks body) or slack ({"text": ...} for incoming-webhook URLs). */
  format: text("format").notNull(),
  secret: text("secret").notNull(),
  /** active, or paused after deliveries kept failing (no new deliveries until resumed). */
  status: text("status").notNull(),
  /** Deliveries marked failed in a row since the last success. */
  failures: integer("failures").notNull(),
  createdAt: integer("created_at").notNull(),
}, (t) => [index("webhooks_site").on(t.siteId)]);

/** One message to one destination: the delivery log. `id` is the webhook-id, kept across retries. */
export const webhookDeliveries = sqliteTable("webhook_deliveries", {
  webhookId: text("webhook_id").notNull(),
  id: text("id").notNull(),
  siteId: text("site_id").notNull(),
  type: text("type").notNull(),
  /** The exact body sent, so every retry signs and sends the same bytes. */
  body: text("body").notNull(),
  /** pending, delivered or failed. */
  status: text("status").notNull(),
  attempts: integer("attempts").notNull(),
  responseCode: integer("response_code"),
  error: text("error"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  /** When the next attempt is due (pending only): the sweep re-enqueues a pending delivery long overdue. */
  nextAttemptAt: integer("next_attempt_at"),
}, (t) => [
  primaryKey({ columns: [t.webhookId, t.id] }),
  index("webhook_deliveries_log").on(t.webhookId, t.createdAt),
  index("webhook_deliveries_due").on(t.status, t.nextAttemptAt),
]);

/** What has been sent once and must never be sent again (a rule's person, an alert's period, a crossing). */
export const actSent = sqliteTable("act_sent", {
  siteId: text("site_id").notNull(),
  key: text("key").notNull(),
  sentAt: integer("sent_at").notNull(),
}, (t) => [primaryKey({ columns: [t.siteId, t.key] })]);

/** How far a sweep has read (e.g. the last event id whose conversion was sent). */
export const actCursors = sqliteTable("act_cursors", {
  siteId: text("site_id").notNull(),
  name: text("name").notNull(),
  position: integer("position").notNull(),
}, (t) => [primaryKey({ columns: [t.siteId, t.name] })]);

/** Follow-up rules: people who did `started` and not `expected` within `afterMs` (the /stalled list). */
export const followUpRules = sqliteTable("follow_up_rules", {
  id: text("id").primaryKey(),
  siteId: text("site_id").notNull(),
  name: text("name").notNull(),
  started: text("started").notNull(),
  expected: text("expected").notNull(),
  after: text("after").notNull(),
  afterMs: integer("after_ms").notNull(),
  /** Only people at this stage, or with a touchpoint on this channel, when set. */
  stage: text("stage"),
  channel: text("channel"),
  createdAt: integer("created_at").notNull(),
}, (t) => [index("follow_up_rules_site").on(t.siteId)]);

/** Alert rules on a metric, evaluated by the cron per day or week. */
export const alertRules = sqliteTable("alert_rules", {
  id: text("id").primaryKey(),
  siteId: text("site_id").notNull(),
  name: text("name").notNull(),
  metric: text("metric").notNull(),
  channel: text("channel"),
  period: text("period").notNull(),
  above: real("above"),
  below: real("below"),
  changePct: real("change_pct"),
  createdAt: integer("created_at").notNull(),
}, (t) => [index("alert_rules_site").on(t.siteId)]);

export type WebhookRow = typeof webhooks.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type FollowUpRuleRow = typeof followUpRules.$inferSelect;
export type AlertRuleRow = typeof alertRules.$inferSelect;

/**
 * Journey state kept at write time (core/person-state.ts): one row per person holding every
 * touchpoint and named event of theirs, packed. Journey answers read these rows, never the raw
 * events of their range, and the rows outlive the raw events (rawRetentionDays).
 */
export const personState = sqliteTable("person_state", {
  siteId: text("site_id").notNull(),
  personId: text("person_id").notNull(),
  firstTs: integer("first_ts").notNull(),
  lastTs: integer("last_ts").notNull(),
  stage: text("stage"),
  stageTs: integer("stage_ts"),
  data: text("data").notNull(),
}, (t) => [primaryKey({ columns: [t.siteId, t.personId] }), index("person_state_last").on(t.siteId, t.lastTs), index("person_state_stage").on(t.siteId, t.stageTs, t.stage)]);

/**
 * Each person's journeys per declared conversion under the site's lookback, kept with the state:
 * the default journey questions read the journeys ending in their range and nothing else. WITHOUT
 * ROWID (migration 0018): those reads walk the key itself, and no separate index repeats it. `n`
 * tells apart a person's journeys of one conversion ending at the same millisecond (two conversions
 * sent at once); the lookback they were built with is the site's (journey_meta.journeys_key).
 */
export const journeys = sqliteTable("journeys", {
  siteId: text("site_id").notNull(),
  conversion: text("conversion").notNull(),
  endTs: integer("end_ts").notNull(),
  personId: text("person_id").notNull(),
  n: integer("n").notNull().default(0),
  data: text("data").notNull(),
}, (t) => [primaryKey({ columns: [t.siteId, t.conversion, t.endTs, t.personId, t.n] }), index("journeys_person").on(t.siteId, t.personId)]);

/**
 * A digest of the journeys ending on one UTC day (query/journey-digest.ts), for the journey answers
 * to sum days rather than read journeys. Triggers on `journeys` give `seq` a new random value on
 * every write of a journey of that day (migrations 0013, 0016); the digest is valid while `builtSeq`
 * equals it.
 */
export const journeyDays = sqliteTable("journey_days", {
  siteId: text("site_id").notNull(),
  conversion: text("conversion").notNull(),
  day: integer("day").notNull(),
  seq: integer("seq").notNull().default(0),
  builtSeq: integer("built_seq"),
  data: text("data"),
}, (t) => [primaryKey({ columns: [t.siteId, t.conversion, t.day] })]);

/**
 * A digest of one UTC day's activity (query/activity-digest.ts: events, people, sessions,
 * touchpoints, named events, per channel), for the count answers to sum days rather than scan
 * events. Triggers on events, sessions and person_state give `seq` a new random value on every write
 * that can change the day's counts (migration 0020); the digest is valid while `builtSeq` equals it.
 * A day without a row had no activity.
 */
export const activityDays = sqliteTable("activity_days", {
  siteId: text("site_id").notNull(),
  day: integer("day").notNull(),
  seq: integer("seq").notNull().default(0),
  builtSeq: integer("built_seq"),
  data: text("data"),
}, (t) => [primaryKey({ columns: [t.siteId, t.day] })]);

/**
 * Per site: raw events before `agedBefore` have left D1 (the R2 archive keeps them); the journeys
 * table holds journeys for the settings named by `journeysKey` (null while a rebuild is due).
 */
export const journeyMeta = sqliteTable("journey_meta", {
  siteId: text("site_id").primaryKey(),
  agedBefore: integer("aged_before").notNull().default(0),
  journeysKey: text("journeys_key"),
  /**
   * Moves with every write of people's states and journeys (pipeline/journey-state.ts writePeople):
   * part of the read answers' data version, since those writes come after the events they follow.
   */
  stateVersion: integer("state_version").notNull().default(0),
  /** The last rebuild: running | done | failed, and how many people of how many it has recomputed. */
  rebuildState: text("rebuild_state"),
  rebuildDone: integer("rebuild_done"),
  rebuildTotal: integer("rebuild_total"),
  /** What the running rebuild is doing: reading the R2 archive ("archive"), then recomputing people ("people"). */
  rebuildPhase: text("rebuild_phase"),
  /** The last archive object read into rebuild_events (keys sort by arrival time). */
  rebuildCursor: text("rebuild_cursor"),
  /** Archived events read so far. */
  rebuildStaged: integer("rebuild_staged"),
  /** The running rebuild's id: a step of an older one (settings changed again meanwhile) stops. */
  rebuildRun: text("rebuild_run"),
});

/**
 * A rebuild's staging: every archived event of the site, keyed by identity so the people step
 * reads one person's whole history with one index range. Filled from R2 during a rebuild and
 * emptied as the people are recomputed (and at its end): nothing lives here between rebuilds.
 * `data` holds what sessions and journey state need (jobs/rebuild-person.ts StagedRow).
 */
export const rebuildEvents = sqliteTable("rebuild_events", {
  siteId: text("site_id").notNull(),
  messageId: text("message_id").notNull(),
  identKey: text("ident_key").notNull(),
  ts: integer("ts").notNull(),
  data: text("data").notNull(),
}, (t) => [primaryKey({ columns: [t.siteId, t.messageId] }), index("rebuild_events_ident").on(t.siteId, t.identKey, t.ts)]);

/**
 * A page's engagement reports (Plausible's `engagement` event: scroll depth and engaged time since
 * the last report), one row each. Kept apart from events: a report is neither a page view nor a
 * touchpoint, and must not open or stretch a session. /vitals sums them per visitor and page.
 */
export const pageEngagement = sqliteTable("page_engagement", {
  siteId: text("site_id").notNull(),
  messageId: text("message_id").notNull(),
  identKey: text("ident_key").notNull(),
  ts: integer("ts").notNull(),
  path: text("path"),
  scrollDepth: integer("scroll_depth"),
  engagedMs: integer("engaged_ms").notNull(),
  // The read API's filters, as on events.
  channel: text("channel").notNull(),
  source: text("source"),
  campaign: text("campaign"),
  country: text("country"),
  device: text("device"),
}, (t) => [primaryKey({ columns: [t.siteId, t.messageId] }), index("page_engagement_site_ts").on(t.siteId, t.ts)]);

/**
 * Read-only dashboard links (API.md "shares"). Only the token's SHA-256 is kept, as for read
 * tokens; every request through a link reads its row, so a delete revokes it at once.
 */
export const shares = sqliteTable("shares", {
  id: text("id").primaryKey(),
  siteId: text("site_id").notNull(),
  tokenHash: text("token_hash").notNull(),
  /** The dashboard views it opens (JSON array of SHARE_VIEWS names). */
  views: text("views", { mode: "json" }).$type<string[]>().notNull(),
  /** Epoch ms after which it opens nothing; null: until revoked. */
  expiresAt: integer("expires_at"),
  createdAt: integer("created_at").notNull(),
}, (t) => [uniqueIndex("shares_token").on(t.tokenHash), index("shares_site").on(t.siteId)]);

export type ShareRow = typeof shares.$inferSelect;

/** Saved, named people filters of a site (API.md "segments"); `segment=ID` on a read narrows to them. */
export const segments = sqliteTable("segments", {
  id: text("id").primaryKey(),
  siteId: text("site_id").notNull(),
  name: text("name").notNull(),
  /** The SegmentFilter (query/api.ts), checked on the way in. */
  filter: text("filter", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  createdAt: integer("created_at").notNull(),
}, (t) => [index("segments_site").on(t.siteId)]);

/**
 * In a site database: the site's data here is being moved away (movedTo null), or was (movedTo set).
 * Every pipeline write of the site checks it in its own D1 transaction (sites/move-fence.ts), so
 * nothing is written here once the copy has begun, whatever an isolate's cached catalog says.
 */
export const moveFences = sqliteTable("move_fences", {
  siteId: text("site_id").primaryKey(),
  since: integer("since").notNull(),
  movedTo: text("moved_to"),
});
