// Run-time readers of the read API's bodies: the guard at the boundary. The types are the edge's
// (types.ts), so a reader must name every field of its type (a field the edge adds and the
// dashboard forgets does not compile). A missing or mistyped field becomes what its type allows —
// null where the contract says null, else 0 / "" / [] / {} — so a view renders an empty state
// instead of crashing while the API grows.
import { ALERT_METRICS, MODELS, SHARE_VIEWS, VITAL_NAMES, VITAL_RATINGS, WEBHOOK_EVENTS, WEBHOOK_FORMATS } from "@parcours/edge/api";
import type {
  ApiEvent, AtRiskBody, AtRiskPerson, AttributionBody, ChannelRow, ChurnBody, Cohort, Credits, EventNameCount, EventPage,
  FeedbackBody, FunnelStep, JourneyStatsBody, OverviewBody, PageEngagement, PageVitals, PathsBody, RoiBody, RoiRow, ScoreRow, SegmentSide,
  SessionBody, SignedIn, StalledPerson, TimelineBody, TimelineEvent, TimePoint, TransitionsBody, ValueSegmentsBody, VitalSummary,
  AlertRule, CreatedWebhook, Delivery, DeliveryQueued, FollowUpRule, Webhook, WebhookListItem,
  CreatedShare, Share, ShareSession, ShareView, SiteReferralSettings,
  Compared, Segment, SegmentFilter, SegmentsBody, TimeRange,
} from "./types";

type Json = Record<string, unknown>;
export type Reader<T> = (value: unknown) => T;

export const obj = (value: unknown): Json =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};
const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const num = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);
const count = (value: unknown): number => num(value) ?? 0;
export const str = (value: unknown): string => (typeof value === "string" ? value : value == null ? "" : String(value));
const strOrNull = (value: unknown): string | null => (value == null ? null : str(value));
const bool = (value: unknown): boolean => value === true;
const optional =
  <T>(read: Reader<T>): Reader<T | undefined> =>
  (value) =>
    value === undefined ? undefined : read(value);
const nullable =
  <T>(read: Reader<T>): Reader<T | null> =>
  (value) =>
    value == null ? null : read(value);
export const list =
  <T>(read: Reader<T>): Reader<T[]> =>
  (value) =>
    arr(value).map(read);
const oneOf =
  <T extends string>(choices: readonly T[], fallback: T): Reader<T> =>
  (value) =>
    choices.includes(value as T) ? (value as T) : fallback;
const numbers: Reader<Credits> = (value) => {
  const out: Credits = {};
  for (const [key, n] of Object.entries(obj(value))) if (num(n) !== null) out[key] = n as number;
  return out;
};
/** An object keyed by a fixed list (models, vital names): every key read, or only those present. */
const keyed =
  <K extends string, T>(keys: readonly K[], read: Reader<T>) =>
  (value: unknown, presentOnly = false): Record<K, T> => {
    const source = obj(value);
    const out = {} as Record<K, T>;
    for (const key of keys) if (!presentOnly || source[key] !== undefined) out[key] = read(source[key]);
    return out;
  };

/** Reads an object field by field: one reader per field of T, none forgotten; unknown fields dropped. */
function fields<T>(readers: { [K in keyof T]-?: Reader<T[K]> }): Reader<T> {
  return (value) => {
    const source = obj(value);
    const out = {} as T;
    for (const key of Object.keys(readers) as (keyof T)[]) {
      const read = readers[key](source[key as string]);
      if (read !== undefined) out[key] = read;
    }
    return out;
  };
}

const readSite = fields<SignedIn["sites"][number]>({ id: str, name: str });
export const readSignedIn: Reader<SignedIn> = (value) => {
  const body = obj(value);
  const sites = list(readSite)(body.sites)
    .filter((site) => site.id)
    .map((site) => ({ id: site.id, name: site.name || site.id }));
  return { signedIn: true, sites, admin: body.admin === true };
};
export const readSession: Reader<SessionBody> = (value) => (obj(value).signedIn === false ? { signedIn: false } : readSignedIn(value));

export const readOverview = fields<OverviewBody>({
  people: count,
  sessions: count,
  events: count,
  touchpoints: count,
  journeys: count,
  conversions: count,
  conversionRate: count,
  avgTouchpointsPerJourney: count,
  medianTimeToConvertMs: num,
});
export const readTimePoint = fields<TimePoint>({ t: str, people: count, sessions: count, events: count, conversions: count });
export const readChannelRow = fields<ChannelRow>({ channel: str, sessions: count, touchpoints: count, conversions: count });
export const readEventName = fields<EventNameCount>({ name: str, count });
export const readJourneyStats = fields<JourneyStatsBody>({
  journeys: count,
  histogram: list(fields({ touchpoints: count, journeys: count, conversions: count, conversionRate: count })),
  channelCount: fields({ "1": count, "2": count, "3+": count }),
  stages: list(fields({ stage: str, people: count })),
});
export const readFunnelStep = fields<FunnelStep>({ name: str, people: count, dropOff: count, events: list(str), optional: bool, firstTouch: numbers });

const readSankey: Reader<PathsBody["sankey"]> = (value) => {
  const { nodes, links } = fields<PathsBody["sankey"]>({
    nodes: list(fields({ name: str, step: count })),
    links: list(fields({ source: count, target: count, value: count })),
  })(value);
  return { nodes, links: links.filter((l) => l.value > 0 && l.source < nodes.length && l.target < nodes.length) };
};
export const readPaths = fields<PathsBody>({
  to: optional(str),
  from: optional(str),
  conversion: optional(str),
  paths: list(fields({ steps: list(str), journeys: count, conversions: count })),
  sankey: readSankey,
});

const readModels = keyed(MODELS, numbers);
export const readAttribution = fields<AttributionBody>({
  conversion: str,
  conversions: count,
  groupBy: oneOf(["channel", "source", "campaign"], "channel"),
  lookbackDays: count,
  models: (value) => readModels(value),
  revenue: optional(count),
  valueModels: optional((value) => readModels(value)),
});
export const readTransitions: Reader<TransitionsBody> = (value) => {
  const body = obj(value);
  const channels = list(str)(body.channels);
  const rows = arr(body.matrix);
  return { channels, matrix: channels.map((_, i) => channels.map((__, j) => count(arr(rows[i])[j]))) };
};
export const readStalledPerson = fields<StalledPerson>({
  personId: str,
  userIds: list(str),
  startedAt: str,
  lastTouchpoint: nullable(fields({ timestamp: str, channel: str, event: strOrNull })),
  contactChannel: strOrNull,
  stage: strOrNull,
  nextBestTouchpoint: strOrNull,
});

const readPage = fields<EventPage>({ path: strOrNull, url: strOrNull, title: strOrNull, referrer: strOrNull });
const eventFields = {
  messageId: str,
  type: str,
  event: strOrNull,
  userId: strOrNull,
  anonymousId: strOrNull,
  personId: str,
  sessionId: str,
  channel: str,
  stage: strOrNull,
  timestamp: str,
  properties: nullable(obj),
  page: optional(readPage),
};
export const readEvent = fields<ApiEvent>(eventFields);
export const readTimelineEvent = fields<TimelineEvent>({ ...eventFields, touchpoint: bool });
export const readTimeline = fields<TimelineBody>({
  personId: str, userIds: list(str), anonymousIds: list(str), events: list(readTimelineEvent), rawSince: strOrNull,
});
export const readCohort = fields<Cohort>({ cohort: str, size: count, retained: list(count) });
export const readChurn = fields<ChurnBody>({
  event: str,
  churned: count,
  people: count,
  touchpoints: list(fields({ name: str, churnedShare: count, baseShare: count, lift: count })),
});

const readVitalSummary = fields<VitalSummary>({
  p75: count,
  rating: oneOf(Object.keys(VITAL_RATINGS) as (keyof typeof VITAL_RATINGS)[], "good"),
  good: count,
  needsImprovement: count,
  poor: count,
});
const readVitalMetrics = keyed(VITAL_NAMES, readVitalSummary);
const readEngagement = fields<PageEngagement>({ visits: count, samples: count, scrollDepthAvg: num, engagedMsAvg: count });
export const readVitalsPage = fields<PageVitals>({
  path: str, samples: count, metrics: (value) => readVitalMetrics(value, true), engagement: optional(readEngagement),
});

const readRoiRow = fields<RoiRow>({
  group: str, touchpoints: count, mediaCost: count, operationalCost: count, cost: count, conversions: count, revenue: count,
  costPerTouchpoint: num, cpa: num, roas: num, roi: num, medianDaysToConvert: num,
});
export const readRoi = fields<RoiBody>({
  conversion: str, model: oneOf(MODELS, "markov"), groupBy: oneOf(["channel", "campaign"], "channel"),
  conversions: count, revenue: count, cost: count, roas: num, rows: list(readRoiRow),
});
const readScoreRow = fields<ScoreRow>({ key: str, responses: count, score: num });
export const readFeedback = fields<FeedbackBody>({
  kind: str, responses: count, score: num, byChannel: list(readScoreRow), byStage: list(readScoreRow), byStep: list(readScoreRow),
  comments: list(fields({ personId: str, timestamp: str, score: count, channel: str, comment: strOrNull })),
  precedingLowScores: list(fields({ channel: str, lowShare: count, baseShare: count, lift: count })),
});
const readSegmentSide = fields<SegmentSide>({
  people: count, revenue: count, orders: count, revenuePerPerson: count,
  channels: list(fields({ channel: str, people: count, share: count })),
  stages: list(fields({ stage: str, people: count, share: count })),
  paths: list(fields({ steps: list(str), people: count, share: count })),
});
export const readValueSegments = fields<ValueSegmentsBody>({
  by: oneOf(["revenue", "orders"], "revenue"), threshold: num, segment: readSegmentSide, rest: readSegmentSide,
});
export const readAtRiskPerson = fields<AtRiskPerson>({
  personId: str, score: count, stage: strOrNull, nextBestTouchpoint: strOrNull,
  factors: list(fields({ feature: str, weight: count })), stalledSince: optional(str),
});
export const readAtRisk = fields<AtRiskBody>({ computedAt: str, churnEvents: list(str), people: list(readAtRiskPerson) });

// Act (admin API): webhook destinations and their delivery log.
const webhookFields = {
  id: str, url: str, events: (value: unknown) => list(oneOf(WEBHOOK_EVENTS, "journey.stalled"))(value).filter((e, i, all) => all.indexOf(e) === i),
  format: oneOf(WEBHOOK_FORMATS, "json"), status: oneOf(["active", "paused"] as const, "active"), failures: count, createdAt: count,
};
export const readWebhook = fields<Webhook>(webhookFields);
export const readCreatedWebhook = fields<CreatedWebhook>({ ...webhookFields, secret: str });
export const readWebhookListItem = fields<WebhookListItem>({
  ...webhookFields, deliveries: fields<WebhookListItem["deliveries"]>({ pending: count, delivered: count, failed: count }), lastDeliveryAt: num,
});
export const readDelivery = fields<Delivery>({
  id: str, type: str, status: oneOf(["pending", "delivered", "failed"] as const, "pending"), attempts: count, responseCode: num,
  error: strOrNull, createdAt: count, updatedAt: count, nextAttemptAt: num,
});
export const readDeliveryQueued = fields<DeliveryQueued>({ id: str, status: () => "pending" as const });
export const readFollowUpRule = fields<FollowUpRule>({
  id: str, name: str, started: str, expected: str, after: str, stage: strOrNull, channel: strOrNull, createdAt: count,
});
export const readAlertRule = fields<AlertRule>({
  id: str, name: str, metric: oneOf(ALERT_METRICS, "events"), channel: strOrNull, period: oneOf(["day", "week"] as const, "day"),
  above: num, below: num, changePct: num, createdAt: count,
});

/** A shared link's views: unknown names are dropped, never shown as an empty tab. */
const readShareViews: Reader<ShareView[]> = (value) => arr(value).filter((v): v is ShareView => (SHARE_VIEWS as readonly unknown[]).includes(v));
export const readShare = fields<Share>({ id: str, views: readShareViews, expiresAt: num, createdAt: count });
export const readCreatedShare = fields<CreatedShare>({ id: str, url: str, views: readShareViews, expiresAt: num, createdAt: count });
export const readShareSession = fields<ShareSession>({ site: (v) => readSite(v), views: readShareViews, expiresAt: num });

// ---- compare and segments ----

const readTimeRange = fields<TimeRange>({ from: str, to: str });

/** A body with what `compare` adds: `previous` read as the body itself, and its range. */
export const compared =
  <T>(read: Reader<T>): Reader<Compared<T>> =>
  (value) => {
    const body = obj(value);
    const out: Compared<T> = Object.assign(read(value) as object, {}) as Compared<T>;
    if (body.previous !== undefined) out.previous = read(body.previous);
    if (body.previousRange !== undefined) out.previousRange = readTimeRange(body.previousRange);
    return out;
  };

const optionalText = optional(str);
export const readSegmentFilter = fields<SegmentFilter>({
  firstTouchChannel: optionalText,
  anyTouchChannel: optionalText,
  stage: optionalText,
  country: optionalText,
  device: optionalText,
  did: optionalText,
  didNot: optionalText,
  highValue: (value) => (value === true ? true : undefined),
  identified: optional(bool),
});
export const readSegment = fields<Segment>({ id: str, name: str, filter: readSegmentFilter, createdAt: str });
export const readSegments = fields<SegmentsBody>({ segments: list(readSegment) });
export const readSiteReferralSettings = fields<SiteReferralSettings>({ excludedReferrers: list(str) });
