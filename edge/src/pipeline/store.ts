// The only step that writes: dedupe against what is stored, stitch, sessionize, then write
// identities, sessions and events in one D1 batch (a transaction). Rows travel as one JSON
// parameter expanded by json_each, which keeps each statement far under D1's 100-parameter cap.
import type { EnrichedEvent, FilteredEvent } from "./payload";
import { identKeyOf, linksOf, stitch } from "./stitch";
import { sessionize, type SessionState } from "./sessionize";
import { isEngagementReport, storeEngagement } from "./engagement";
import { chunks, CHUNK } from "./chunks";
import { fenceCheck } from "../sites/move-fence";
import { DAY_MS } from "../core/journeys";

export interface StoreOptions {
  gapMs: number;
  now: number;
  newId?: (prefix: string) => string;
}

export interface StoreResult {
  stored: number;
  duplicates: number;
  /** Every identity the batch names, stored or duplicate: a redelivery recomputes them again, harmlessly. */
  touchedKeys: string[];
  /** People merged into another by this batch's identity links. */
  merges: { from: string; to: string }[];
  /** Every event of the batch, stored or duplicate (a late one is folded into its person's state by id). */
  messageIds: string[];
}

const ALPHANUMERIC = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/**
 * A new person or session id: the prefix and 14 random letters and digits (83 bits). Shorter than
 * the 20 hex digits (76 bits) it replaces: a person id is repeated in some ten rows and index
 * entries kept for good (state, identities, journeys, scores), a session id in every raw event.
 */
export function defaultId(prefix: string): string {
  let id = prefix;
  while (id.length < prefix.length + 14) {
    // 248 = 4 x 62: bytes above it are skipped, so every character is equally likely.
    for (const b of crypto.getRandomValues(new Uint8Array(16))) if (b < 248 && id.length < prefix.length + 14) id += ALPHANUMERIC[b % 62];
  }
  return id;
}

const json = (v: unknown) => JSON.stringify(v);

export async function storeEvents(db: D1Database, siteId: string, received: EnrichedEvent[], filtered: FilteredEvent[],
  storedParts: string[], opts: StoreOptions): Promise<StoreResult> {
  const newId = opts.newId ?? defaultId;
  const statements: D1PreparedStatement[] = [];
  // Engagement reports are not events: they touch no identity, session or journey.
  const reports = received.filter(isEngagementReport);
  if (reports.length) statements.push(storeEngagement(db, siteId, reports));
  const incoming = reports.length ? received.filter((e) => !isEngagementReport(e)) : received;

  // 1. Dedupe: within the batch (first copy wins), then against what is already stored.
  const unique = new Map<string, EnrichedEvent>();
  for (const e of incoming) if (!unique.has(e.messageId)) unique.set(e.messageId, e);
  const ids = [...unique.keys()];
  const existing = new Set<string>();
  for (const part of chunks(ids, 2000)) {
    const { results } = await db
      .prepare("SELECT message_id FROM events WHERE site_id = ? AND message_id IN (SELECT value FROM json_each(?))")
      .bind(siteId, json(part))
      .all<{ message_id: string }>();
    for (const r of results) existing.add(r.message_id);
  }
  const events = [...unique.values()].filter((e) => !existing.has(e.messageId));
  const touchedKeys = [...new Set(incoming.flatMap((e) => [identKeyOf(e), ...(e.userId !== null ? [`u:${e.userId}`] : [])]))];
  let merges: StoreResult["merges"] = [];

  if (events.length) {
    // 2. Identity: load the graph for every key involved, stitch, write new rows and merges.
    const keys = [...new Set(events.flatMap((e) => [identKeyOf(e), ...(e.userId !== null ? [`u:${e.userId}`] : [])]))];
    const aliasKeys = events.filter((e) => e.type === "alias" && e.previousId !== null).flatMap((e) => [`u:${e.previousId}`, `a:${e.previousId}`]);
    const lookup = [...new Set([...keys, ...aliasKeys])];
    const known = new Map<string, string>();
    for (const part of chunks(lookup, 2000)) {
      const { results } = await db
        .prepare("SELECT ident_key, person_id FROM identities WHERE site_id = ? AND ident_key IN (SELECT value FROM json_each(?))")
        .bind(siteId, json(part))
        .all<{ ident_key: string; person_id: string }>();
      for (const r of results) known.set(r.ident_key, r.person_id);
    }
    const links = events.flatMap((e) => linksOf(e, (k) => known.has(k)));
    const stitched = stitch(known, keys, links, () => newId("p_"));
    const { added } = stitched;
    merges = stitched.merges;
    const firstSeen = new Map<string, number>();
    for (const e of events) for (const k of [identKeyOf(e), e.userId !== null ? `u:${e.userId}` : null]) {
      if (k && (!firstSeen.has(k) || e.ts < firstSeen.get(k)!)) firstSeen.set(k, e.ts);
    }
    for (const m of merges) {
      statements.push(db.prepare("UPDATE identities SET person_id = ? WHERE site_id = ? AND person_id = ?").bind(m.to, siteId, m.from));
    }
    if (added.size) {
      const rows = [...added].map(([k, p]) => [k, p, firstSeen.get(k) ?? opts.now]);
      statements.push(db.prepare(
        `INSERT INTO identities (site_id, ident_key, person_id, first_seen)
         SELECT ?1, value->>0, value->>1, value->>2 FROM json_each(?2) WHERE true
         ON CONFLICT (site_id, ident_key) DO NOTHING`).bind(siteId, json(rows)));
    }

    // 3. Sessions: load the stored sessions around the batch's times for its keys, then sessionize.
    const sessionKeys = [...new Set(events.map(identKeyOf))];
    let min = Infinity, max = -Infinity;
    for (const e of events) { if (e.ts < min) min = e.ts; if (e.ts > max) max = e.ts; }
    const stored: SessionState[] = [];
    for (const part of chunks(sessionKeys, 2000)) {
      const { results } = await db.prepare(
        `SELECT id, ident_key AS identKey, start_ts AS startTs, end_ts AS endTs, events, channel, source, medium, campaign,
                campaign_key AS campaignKey, landing_path AS landingPath, country, device
         FROM sessions WHERE site_id = ? AND ident_key IN (SELECT value FROM json_each(?)) AND end_ts >= ? AND start_ts <= ?`)
        .bind(siteId, json(part), min - opts.gapMs, max + opts.gapMs)
        .all<SessionState>();
      stored.push(...results);
    }
    const { upserts, merged, assignment } = sessionize(stored, events, opts.gapMs, () => newId("s_"));
    for (const m of merged) {
      statements.push(db.prepare("UPDATE events SET session_id = ? WHERE session_id = ?").bind(m.to, m.from));
      statements.push(db.prepare("DELETE FROM sessions WHERE id = ?").bind(m.from));
    }
    statements.push(...upsertSessions(db, siteId, upserts));

    // 4. Events.
    for (const part of chunks(events, CHUNK)) {
      const rows = part.map((e) => ({
        m: e.messageId, t: e.type, e: e.event, u: e.userId, a: e.anonymousId, k: identKeyOf(e), s: assignment.get(e.messageId),
        ts: e.ts, r: e.receivedAt, ch: e.channel, x: e.channelExplicit ? 1 : 0, so: e.source, me: e.medium, ca: e.campaign,
        st: e.stage, cv: e.isConversion ? 1 : 0, rv: e.revenue, p: e.path, co: e.country, re: e.region, d: e.device,
        b: e.browser, o: e.os, pr: e.properties ? json(e.properties) : null, cx: e.context ? json(e.context) : null,
      }));
      statements.push(db.prepare(
        `INSERT INTO events (site_id, message_id, type, event, user_id, anonymous_id, ident_key, session_id, ts, received_at, channel,
           channel_explicit, source, medium, campaign, stage, is_conversion, revenue, path, country, region, device, browser, os, properties, context)
         SELECT ?1, value->>'m', value->>'t', value->>'e', value->>'u', value->>'a', value->>'k', value->>'s', value->>'ts', value->>'r', value->>'ch',
           value->>'x', value->>'so', value->>'me', value->>'ca', value->>'st', value->>'cv', value->>'rv', value->>'p', value->>'co', value->>'re',
           value->>'d', value->>'b', value->>'o', value->>'pr', value->>'cx'
         FROM json_each(?2) WHERE true
         ON CONFLICT (site_id, message_id) DO NOTHING`).bind(siteId, json(rows)));
    }
    // 5. The days of these events and sessions are to be counted again (activity_days, load/day-digests.ts):
    // marked here, in the same transaction, rather than by a trigger per inserted row, which made
    // inserting events some 45% slower (migration 0023). Triggers still mark updates and deletes.
    const days = [...new Set([...events.map((e) => e.ts), ...upserts.map((u) => u.startTs)].map((ts) => Math.floor(ts / DAY_MS)))];
    statements.push(db.prepare(
      `INSERT INTO activity_days (site_id, day, seq) SELECT ?1, value, random() & 9007199254740991 FROM json_each(?2) WHERE true
       ON CONFLICT (site_id, day) DO UPDATE SET seq = random() & 9007199254740991`).bind(siteId, json(days)));
  }

  if (filtered.length) {
    statements.push(db.prepare(
      `INSERT INTO filtered_events (site_id, message_id, reason, user_agent, ts, received_at)
       SELECT ?1, value->>'messageId', value->>'reason', value->>'userAgent', value->>'ts', value->>'receivedAt' FROM json_each(?2) WHERE true
       ON CONFLICT (site_id, message_id) DO NOTHING`).bind(siteId, json(filtered)));
  }
  if (storedParts.length) {
    statements.push(db.prepare(
      "INSERT INTO ingested_batches (key, stored_at) SELECT value, ?1 FROM json_each(?2) WHERE true ON CONFLICT (key) DO NOTHING")
      .bind(opts.now, json(storedParts)));
  }
  // Fenced: the site is moving, nothing of this batch may land here (sites/move-fence.ts).
  if (statements.length) await db.batch([fenceCheck(db, siteId), ...statements]);
  return { stored: events.length, duplicates: incoming.length - events.length, touchedKeys, merges, messageIds: ids };
}

/** Sessions in their final state, written over what is stored under their ids. */
export function upsertSessions(db: D1Database, siteId: string, sessions: SessionState[]): D1PreparedStatement[] {
  return chunks(sessions, CHUNK).map((part) => db.prepare(
    `INSERT INTO sessions (id, site_id, ident_key, start_ts, end_ts, events, channel, source, medium, campaign, campaign_key, landing_path, country, device)
     SELECT value->>'id', ?1, value->>'identKey', value->>'startTs', value->>'endTs', value->>'events', value->>'channel', value->>'source',
            value->>'medium', value->>'campaign', value->>'campaignKey', value->>'landingPath', value->>'country', value->>'device'
     FROM json_each(?2) WHERE true
     ON CONFLICT (id) DO UPDATE SET start_ts = excluded.start_ts, end_ts = excluded.end_ts, events = excluded.events,
       channel = excluded.channel, source = excluded.source, medium = excluded.medium, campaign = excluded.campaign,
       campaign_key = excluded.campaign_key, landing_path = excluded.landing_path, country = excluded.country, device = excluded.device`)
    .bind(siteId, json(part)));
}
