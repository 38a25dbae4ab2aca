// The read API's contract: every response body the worker sends under /api (see API.md), and the
// constants both sides name. The edge's handlers are typed against it, so a handler that sends
// another shape does not compile; the dashboard imports the same types as `@parcours/edge/api`
// (as the worker imports the SDK's wire types from `@parcours/sdk/wire`). Types and plain data
// only: no imports, nothing that runs, so the dashboard's bundle takes no worker code with it.

/** ISO 8601 time, UTC (`2026-03-02T10:00:00.000Z`). */
export type IsoTime = string;

// ---- shared constants ----

/** The attribution models, in the order the dashboard shows them. */
export const MODELS = ["first_touch", "last_touch", "last_non_direct", "linear", "time_decay", "position_based", "markov", "shapley"] as const;
export type Model = (typeof MODELS)[number];

export const GROUP_BYS = ["channel", "source", "campaign"] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

/**
 * Core Web Vitals bounds: a value at or under the first is good, over the second poor.
 * https://web.dev/articles/vitals (and defineThresholds in GoogleChrome/web-vitals).
 * LCP, INP, FCP and TTFB in ms; CLS unitless.
 */
export const VITAL_THRESHOLDS = {
  LCP: [2500, 4000],
  INP: [200, 500],
  CLS: [0.1, 0.25],
  FCP: [1800, 3000],
  TTFB: [800, 1800],
} as const;
export type VitalName = keyof typeof VITAL_THRESHOLDS;
export const VITAL_NAMES = Object.keys(VITAL_THRESHOLDS) as VitalName[];

/** A rating and how people read it; the keys are also the share fields of a metric. */
export const VITAL_RATINGS = { good: "good", needsImprovement: "needs improvement", poor: "poor" } as const;
export type VitalRating = keyof typeof VITAL_RATINGS;

// ---- errors and sessions ----

/** Every 4xx/5xx body: `{"error": {...}}`. */
export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

export interface SiteRef {
  id: string;
  name: string;
}

/** POST /api/login, and GET /api/session while signed in. */
export interface SignedIn {
  signedIn: true;
  sites: SiteRef[];
  admin: boolean;
}
/** GET /api/session: signed out is a normal state, answered 200. */
export type SessionBody = SignedIn | { signedIn: false };

// ---- compare and segments ----

/** `compare=previous|year` on any read endpoint (JSON answers). */
export const COMPARE_MODES = ["previous", "year"] as const;
export type CompareMode = (typeof COMPARE_MODES)[number];

export interface TimeRange {
  from: IsoTime;
  to: IsoTime;
}

/**
 * What `compare` adds to any JSON answer: the same answer for the compared range, and that range.
 * Absent without `compare`.
 */
export interface Comparison<T> {
  previous?: T;
  previousRange?: TimeRange;
}
export type Compared<T> = T & Comparison<T>;

/**
 * A saved people filter; every field given must hold (AND). Channels, country and device are
 * judged on the person's touchpoints, `did`/`didNot` and `highValue` over the asked range.
 */
export interface SegmentFilter {
  /** The channel of the person's first touchpoint ever (up to the range's end). */
  firstTouchChannel?: string;
  /** A touchpoint in this channel in the range. */
  anyTouchChannel?: string;
  /** The person reached this stage (an event mapped to it) by the range's end. */
  stage?: string;
  /** A touchpoint from this country (ISO code as stored) in the range. */
  country?: string;
  /** A touchpoint on this device class in the range. */
  device?: string;
  /** Did this event in the range. */
  did?: string;
  /** Did not do this event in the range. */
  didNot?: string;
  /** In the top decile of revenue (the site's conversions) among the people of the range. */
  highValue?: true;
  /** Known by a userId (true) or anonymous only (false). */
  identified?: boolean;
}

export const SEGMENT_FILTER_FIELDS = ["firstTouchChannel", "anyTouchChannel", "stage", "country", "device", "did", "didNot", "highValue", "identified"] as const;

/** POST /segments answers 201 with it; GET /segments lists them. */
export interface Segment {
  id: string;
  name: string;
  filter: SegmentFilter;
  createdAt: IsoTime;
}

/** GET /segments */
export interface SegmentsBody {
  segments: Segment[];
}

// ---- events and timelines ----

/** Where a page or screen event happened (from the sender's context.page or page properties). */
export interface EventPage {
  path: string | null;
  url: string | null;
  title: string | null;
  referrer: string | null;
}

export interface ApiEvent {
  messageId: string;
  type: string;
  event: string | null;
  userId: string | null;
  anonymousId: string | null;
  personId: string;
  sessionId: string;
  channel: string;
  stage: string | null;
  timestamp: IsoTime;
  properties: Record<string, unknown> | null;
  /** Present when the event has a page (page views, and events the browser SDK sends from a page). */
  page?: EventPage;
}

/** GET /events */
export interface EventsBody {
  events: ApiEvent[];
}

export interface TimelineEvent extends ApiEvent {
  /** It opened its session or named a channel other than its session's. */
  touchpoint: boolean;
}

/** GET /people/:personId/timeline */
export interface TimelineBody {
  personId: string;
  userIds: string[];
  anonymousIds: string[];
  events: TimelineEvent[];
  /**
   * Raw events before this time have aged out of D1 (the site's rawRetentionDays; the R2 archive
   * keeps them): the timeline shows none before it but feedback responses (kept for good), while
   * journey answers still count them all. null when the asked range lies wholly after it.
   */
  rawSince: IsoTime | null;
}

// ---- counts ----

export interface JourneySummary {
  journeys: number;
  conversions: number;
  conversionRate: number;
  avgTouchpointsPerJourney: number;
  medianTimeToConvertMs: number | null;
}

/** GET /overview */
export interface OverviewBody extends JourneySummary {
  people: number;
  sessions: number;
  events: number;
  touchpoints: number;
}

export interface TimePoint {
  t: string;
  people: number;
  sessions: number;
  events: number;
  conversions: number;
}

/** GET /timeseries */
export interface TimeseriesBody {
  interval: string;
  points: TimePoint[];
}

export interface ChannelRow {
  channel: string;
  sessions: number;
  touchpoints: number;
  conversions: number;
}

/** GET /channels */
export interface ChannelsBody {
  channels: ChannelRow[];
}

export interface EventNameCount {
  name: string;
  count: number;
}

/** GET /event-names */
export interface EventNamesBody {
  events: EventNameCount[];
}

// ---- journeys ----

export interface HistogramRow {
  touchpoints: number;
  journeys: number;
  conversions: number;
  conversionRate: number;
}

/** Share of journeys that used 1, 2, and 3 or more distinct channels. */
export interface ChannelCount {
  "1": number;
  "2": number;
  "3+": number;
}

export interface StageCount {
  stage: string;
  people: number;
}

/** GET /journeys/stats */
export interface JourneyStatsBody {
  journeys: number;
  histogram: HistogramRow[];
  channelCount: ChannelCount;
  stages: StageCount[];
}

export interface FunnelStep {
  /** The step as asked, without its `?`: one event name, or alternatives joined by `|`. */
  name: string;
  people: number;
  /**
   * People of the last required step before this one (the step before, when none is optional)
   * who did not do this one; 0 on the first step.
   */
  dropOff: number;
  /** The event names any of which counts as this step (`add_to_cart|quote_requested`: two). */
  events: string[];
  /** Asked with a `?` suffix: people may skip it; its count is who did it on the way. */
  optional: boolean;
  /** This step's people by their first-touch channel (their first touchpoint ever, up to the range's end). */
  firstTouch: Record<string, number>;
}

export interface ChannelFunnel {
  channel: string;
  steps: FunnelStep[];
}

/** GET /funnel */
export interface FunnelBody {
  steps: FunnelStep[];
  window: string;
  order: string;
  /** With breakdown=channel: the same funnel per channel of the first step. */
  breakdown?: ChannelFunnel[];
}

export interface PathRow {
  steps: string[];
  journeys: number;
  conversions: number;
}

/** One node per channel per position, so a path reads left to right. */
export interface SankeyNode {
  name: string;
  step: number;
}

export interface SankeyLink {
  source: number;
  target: number;
  value: number;
}

export interface Sankey {
  nodes: SankeyNode[];
  links: SankeyLink[];
}

export interface TopPaths {
  paths: PathRow[];
  sankey: Sankey;
}

/** GET /paths: `to` (paths to a conversion) or `from` + `conversion` (paths after an event). */
export interface PathsBody extends TopPaths {
  to?: string;
  from?: string;
  conversion?: string;
}

/** GET /transitions: channel-switch counts from row to column. */
export interface TransitionsBody {
  channels: string[];
  matrix: number[][];
}

/** Credit per group (channel, source or campaign). */
export type Credits = Record<string, number>;

/** GET /attribution */
export interface AttributionBody {
  conversion: string;
  conversions: number;
  groupBy: GroupBy;
  lookbackDays: number;
  models: Record<Model, Credits>;
  /** With value=revenue. */
  revenue?: number;
  valueModels?: Record<Model, Credits>;
}

// ---- follow-up, churn, retention, vitals ----

export interface LastTouchpoint {
  timestamp: IsoTime;
  channel: string;
  event: string | null;
}

export interface StalledPerson {
  personId: string;
  userIds: string[];
  startedAt: IsoTime;
  lastTouchpoint: LastTouchpoint | null;
  contactChannel: string | null;
  stage: string | null;
  /** The channel that moved people on from this person's stage. */
  nextBestTouchpoint: string | null;
}

/** GET /stalled (format=json) */
export interface StalledBody {
  started: string;
  expected: string;
  after: string;
  people: StalledPerson[];
}

/** An event name done before churning, against how common it is overall. */
export interface ChurnTouchpoint {
  name: string;
  churnedShare: number;
  baseShare: number;
  lift: number;
}

/** GET /churn */
export interface ChurnBody {
  event: string;
  churned: number;
  people: number;
  touchpoints: ChurnTouchpoint[];
}

export interface Cohort {
  cohort: string;
  size: number;
  /** retained[k]: people of the cohort active k buckets after it (retained[0] is its size). */
  retained: number[];
}

/** GET /retention */
export interface RetentionBody {
  interval: string;
  cohorts: Cohort[];
}

export interface VitalSummary {
  p75: number;
  /** The p75's rating, by VITAL_THRESHOLDS. */
  rating: VitalRating;
  /** Shares of the samples in each rating. */
  good: number;
  needsImprovement: number;
  poor: number;
}

/**
 * How a page holds its visitors, from engagement reports (Plausible's tracker sends them as the
 * visitor leaves or moves on). A visit is one visitor on one page in one UTC day: its scroll depth
 * is the deepest reported, its engaged time the sum of the reports (each covers the time since the last).
 */
export interface PageEngagement {
  visits: number;
  /** Engagement reports read. */
  samples: number;
  /** Mean of the visits' scroll depth, percent (0-100, whole); null when no report said. */
  scrollDepthAvg: number | null;
  /** Mean of the visits' engaged time, ms (whole). */
  engagedMsAvg: number;
}

export interface PageVitals {
  path: string;
  /** Vitals samples; 0 for a page known only by its engagement. */
  samples: number;
  metrics: Partial<Record<VitalName, VitalSummary>>;
  /** Present when the page has engagement reports in the range. */
  engagement?: PageEngagement;
}

/** GET /vitals */
export interface VitalsBody {
  pages: PageVitals[];
}

// ---- marketing value ----

export interface RoiRow {
  group: string;
  touchpoints: number;
  mediaCost: number;
  operationalCost: number;
  cost: number;
  conversions: number;
  revenue: number;
  /** null where the denominator is zero: no honest number exists. */
  costPerTouchpoint: number | null;
  cpa: number | null;
  roas: number | null;
  /** (revenue - cost) / cost. */
  roi: number | null;
  /** Median time from this group's touchpoints to the conversion they led to. */
  medianDaysToConvert: number | null;
}

/** GET /roi */
export interface RoiBody {
  conversion: string;
  model: Model;
  groupBy: "channel" | "campaign";
  conversions: number;
  revenue: number;
  cost: number;
  roas: number | null;
  rows: RoiRow[];
}

export interface ScoreRow {
  key: string;
  responses: number;
  score: number | null;
}

export interface FeedbackComment {
  personId: string;
  timestamp: IsoTime;
  score: number;
  channel: string;
  comment: string | null;
}

export interface LowScoreLift {
  channel: string;
  lowShare: number;
  baseShare: number;
  lift: number;
}

/** GET /feedback */
export interface FeedbackBody {
  kind: string;
  responses: number;
  score: number | null;
  byChannel: ScoreRow[];
  byStage: ScoreRow[];
  byStep: ScoreRow[];
  comments: FeedbackComment[];
  precedingLowScores: LowScoreLift[];
}

export interface SegmentSide {
  people: number;
  revenue: number;
  orders: number;
  revenuePerPerson: number;
  channels: { channel: string; people: number; share: number }[];
  stages: { stage: string; people: number; share: number }[];
  paths: { steps: string[]; people: number; share: number }[];
}

/** GET /segments/value */
export interface ValueSegmentsBody {
  by: "revenue" | "orders";
  threshold: number | null;
  segment: SegmentSide;
  rest: SegmentSide;
}

export interface ChurnFactor {
  feature: string;
  weight: number;
}

export interface ScoredPerson {
  personId: string;
  score: number;
  factors: ChurnFactor[];
  stage: string | null;
}

export interface AtRiskPerson extends ScoredPerson {
  nextBestTouchpoint: string | null;
  /** With started/expected: when the person stalled. */
  stalledSince?: IsoTime;
}

/** GET /at-risk (format=json) */
export interface AtRiskBody {
  computedAt: IsoTime;
  churnEvents: string[];
  people: AtRiskPerson[];
}

// ---- act (admin API, issue 13): webhook destinations and their delivery log ----

/** Delivery types a destination can take (a test send, `webhook.test`, reaches every one). */
export const WEBHOOK_EVENTS = ["journey.stalled", "person.at_risk", "conversion", "alert", "digest"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export const WEBHOOK_FORMATS = ["json", "slack"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
export type WebhookStatus = "active" | "paused";

export interface Webhook {
  id: string;
  url: string;
  events: WebhookEvent[];
  format: WebhookFormat;
  status: WebhookStatus;
  /** Deliveries marked failed in a row; at 3 the destination is paused. */
  failures: number;
  /** Epoch ms. */
  createdAt: number;
}

/** POST /api/admin/sites/:site/webhooks (201): the signing secret, in this answer only. */
export interface CreatedWebhook extends Webhook {
  secret: string;
}

export interface WebhookListItem extends Webhook {
  deliveries: { pending: number; delivered: number; failed: number };
  lastDeliveryAt: number | null;
}

/** GET /api/admin/sites/:site/webhooks */
export interface WebhooksBody {
  webhooks: WebhookListItem[];
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

/** One message to one destination; `id` is its webhook-id, the same on every retry. Times in epoch ms. */
export interface Delivery {
  id: string;
  type: string;
  status: DeliveryStatus;
  attempts: number;
  responseCode: number | null;
  error: string | null;
  createdAt: number;
  updatedAt: number;
  nextAttemptAt: number | null;
}

/** GET /api/admin/sites/:site/webhooks/:id/deliveries */
export interface DeliveriesBody {
  deliveries: Delivery[];
}

/** POST .../webhooks/:id/test and .../deliveries/:delivery/resend (202). */
export interface DeliveryQueued {
  id: string;
  status: "pending";
}

/** A follow-up rule (POST answers it with 201; GET .../rules lists them). */
export interface FollowUpRule {
  id: string;
  name: string;
  started: string;
  expected: string;
  /** A duration such as 3d. */
  after: string;
  stage: string | null;
  channel: string | null;
  createdAt: number;
}

export interface RulesBody {
  rules: FollowUpRule[];
}

export const ALERT_METRICS = ["conversions", "conversion_rate", "cpa", "roas", "stalled", "lcp_p75", "inp_p75", "cls_p75", "events"] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];
export type AlertPeriod = "day" | "week";

/** An alert rule (POST answers it with 201; GET .../alerts lists them). */
export interface AlertRule {
  id: string;
  name: string;
  metric: AlertMetric;
  channel: string | null;
  period: AlertPeriod;
  above: number | null;
  below: number | null;
  changePct: number | null;
  createdAt: number;
}

export interface AlertsBody {
  alerts: AlertRule[];
}

// ---- shared links (admin API, issue 14) ----

/** Dashboard views a shared link can open (the Settings view never). */
export const SHARE_VIEWS = ["overview", "journeys", "funnel", "paths", "attribution", "channels", "stalled", "retention", "vitals", "value", "live"] as const;
export type ShareView = (typeof SHARE_VIEWS)[number];
/**
 * A link created without `views` opens these: the aggregate views. Views that list people
 * (stalled, value's at-risk list, live events, timelines) open only when named.
 */
export const DEFAULT_SHARE_VIEWS: readonly ShareView[] = ["overview", "journeys", "funnel", "paths", "attribution", "channels", "retention", "vitals"];

/** A shared link as listed (GET .../shares): the token itself is never shown again. */
export interface Share {
  id: string;
  views: ShareView[];
  /** Epoch ms; null: until revoked. */
  expiresAt: number | null;
  createdAt: number;
}

export interface SharesBody {
  shares: Share[];
}

/** POST .../shares answers 201 with the link; its token is in `url` only, this once. */
export interface CreatedShare extends Share {
  url: string;
}

/** GET /api/share (Bearer the link's token): what the link opens. */
export interface ShareSession {
  site: SiteRef;
  views: ShareView[];
  expiresAt: number | null;
}

/** GET/PUT /api/admin/sites/:site/referral-exclusions: the referral exclusions in force (the Settings view). */
export interface SiteReferralSettings {
  excludedReferrers: string[];
}
