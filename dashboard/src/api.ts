// Typed client of the Parcours read API (see shared/API.md). The dashboard talks to the worker
// only through this module. Responses are normalised at this boundary: a missing or mistyped
// field becomes null / [] / {} here, so views render empty states instead of crashing while the
// API grows.

export interface Site {
  id: string;
  name: string;
}
export interface SessionInfo {
  sites: Site[];
  admin: boolean;
}

export type Query = Record<string, string | number | undefined>;

export interface RoiRow {
  group: string;
  touchpoints: number;
  mediaCost: number;
  operationalCost: number;
  cost: number;
  conversions: number;
  revenue: number;
  costPerTouchpoint: number | null;
  cpa: number | null;
  roas: number | null;
  medianDaysToConvert: number | null;
}
export interface Roi { model: string; conversions: number | null; revenue: number | null; cost: number | null; roas: number | null; rows: RoiRow[] }
export interface ScoreRow { key: string; responses: number; score: number | null }
export interface Feedback {
  kind: string;
  responses: number;
  score: number | null;
  byChannel: ScoreRow[];
  byStage: ScoreRow[];
  byStep: ScoreRow[];
  comments: { timestamp: string | number | null; score: number | null; channel: string; comment: string }[];
  precedingLowScores: { channel: string; lowShare: number | null; baseShare: number | null; lift: number | null }[];
}
export interface SegmentSide {
  people: number;
  revenue: number;
  orders: number;
  revenuePerPerson: number;
  channels: { channel: string; share: number | null }[];
  paths: { steps: string[]; people: number }[];
}
export interface ValueSegments { threshold: number | null; segment: SegmentSide; rest: SegmentSide }
export interface AtRiskPerson { personId: string; score: number | null; stage: string; nextBestTouchpoint: string; factors: { feature: string; weight: number | null }[] }


export interface Overview {
  people: number | null;
  sessions: number | null;
  events: number | null;
  touchpoints: number | null;
  journeys: number | null;
  conversions: number | null;
  conversionRate: number | null;
  avgTouchpointsPerJourney: number | null;
  medianTimeToConvertMs: number | null;
}
export interface TimePoint {
  t: string;
  people: number;
  sessions: number;
  events: number;
  conversions: number;
}
export interface ChannelRow {
  channel: string;
  sessions: number;
  touchpoints: number;
  conversions: number;
}
export interface EventName {
  name: string;
  count: number;
}
export interface JourneyStats {
  journeys: number | null;
  histogram: { touchpoints: number; journeys: number; conversions: number; conversionRate: number }[];
  channelCount: Record<string, number>;
  stages: { stage: string; people: number }[];
}
export interface FunnelStep {
  name: string;
  people: number;
  dropOff: number;
}
export interface SankeyData {
  nodes: string[];
  links: { source: number; target: number; value: number }[];
}
export interface PathsResult {
  paths: { steps: string[]; journeys: number; conversions: number }[];
  sankey: SankeyData;
}
export interface Attribution {
  conversion: string;
  conversions: number | null;
  models: Record<string, Record<string, number>>;
}
export interface Transitions {
  channels: string[];
  matrix: number[][];
}
export interface StalledPerson {
  personId: string;
  userIds: string[];
  startedAt: string | number | null;
  lastTouchpoint: { timestamp: string | number | null; channel: string; event: string } | null;
  contactChannel: string;
  stage: string;
  /** The channel that moved people on from this person's stage (see next-best.ts on the edge). */
  nextBestTouchpoint: string;
}
export interface EventRow {
  messageId: string;
  type: string;
  event: string;
  userId: string;
  anonymousId: string;
  personId: string;
  sessionId: string;
  channel: string;
  stage: string;
  timestamp: string | number | null;
  properties: Record<string, unknown>;
  touchpoint?: boolean;
}
export interface Timeline {
  personId: string;
  userIds: string[];
  anonymousIds: string[];
  events: EventRow[];
}
export interface Cohort {
  cohort: string;
  size: number;
  retained: number[];
}
export interface Churn {
  event: string;
  churned: number | null;
  /** `kind` is null when the API names the touchpoint without saying what it is. */
  touchpoints: { kind: "channel" | "event" | null; name: string; churnedShare: number; baseShare: number; lift: number }[];
}
export interface VitalMetric {
  p75: number | null;
  good: number;
  needsImprovement: number;
  poor: number;
}
export interface VitalsPage {
  path: string;
  samples: number;
  metrics: Record<string, VitalMetric>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;
type Reader<T> = (value: unknown) => T;

const obj = (value: unknown): Json =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};
const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const num = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);
const count = (value: unknown): number => num(value) ?? 0;
const str = (value: unknown): string => (typeof value === "string" ? value : value == null ? "" : String(value));
const time = (value: unknown): string | number | null =>
  typeof value === "string" || typeof value === "number" ? value : null;
const list =
  <T>(read: Reader<T>): Reader<T[]> =>
  (value) =>
    arr(value).map(read);
const numbers: Reader<Record<string, number>> = (value) => {
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(obj(value))) if (num(n) !== null) out[key] = n as number;
  return out;
};
const mapValues =
  <T>(read: Reader<T>): Reader<Record<string, T>> =>
  (value) =>
    Object.fromEntries(Object.entries(obj(value)).map(([key, v]) => [key, read(v)]));

/** Reads an object field by field, each with its own reader; unknown fields are dropped. */
function record<S extends Record<string, Reader<unknown>>>(readers: S): Reader<{ [K in keyof S]: ReturnType<S[K]> }> {
  return (value) => {
    const source = obj(value);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(readers)) out[key] = readers[key](source[key]);
    return out as { [K in keyof S]: ReturnType<S[K]> };
  };
}

/** Builds `?a=1&b=2`, leaving out empty values so the API applies its defaults. */
export function toSearch(query: Query): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

const readSessionInfo: Reader<SessionInfo> = (value) => {
  const body = obj(value);
  const sites = list(record({ id: str, name: str }))(body.sites)
    .filter((site) => site.id)
    .map((site) => ({ id: site.id, name: site.name || site.id }));
  return { sites, admin: body.admin === true };
};

const readOverview: Reader<Overview> = record({
  people: num,
  sessions: num,
  events: num,
  touchpoints: num,
  journeys: num,
  conversions: num,
  conversionRate: num,
  avgTouchpointsPerJourney: num,
  medianTimeToConvertMs: num,
});
const readTimePoint: Reader<TimePoint> = record({ t: str, people: count, sessions: count, events: count, conversions: count });
const readChannelRow: Reader<ChannelRow> = record({ channel: str, sessions: count, touchpoints: count, conversions: count });
const readEventName: Reader<EventName> = record({ name: str, count });
const readJourneyStats: Reader<JourneyStats> = record({
  journeys: num,
  histogram: list(record({ touchpoints: count, journeys: count, conversions: count, conversionRate: count })),
  channelCount: numbers,
  stages: list(record({ stage: str, people: count })),
});
const readFunnelStep: Reader<FunnelStep> = record({ name: str, people: count, dropOff: count });

/** Sankey nodes may come as names or as objects with a name (or id); we keep the label. */
const nodeLabel: Reader<string> = (value) => {
  if (typeof value === "string") return value;
  const node = obj(value);
  return str(node.name ?? node.label ?? node.id);
};
const readPaths: Reader<PathsResult> = record({
  paths: list(record({ steps: list(str), journeys: count, conversions: count })),
  sankey: (value) => {
    const { nodes, links } = record({ nodes: list(nodeLabel), links: list(record({ source: count, target: count, value: count })) })(value);
    return { nodes, links: links.filter((l) => l.value > 0 && l.source < nodes.length && l.target < nodes.length) };
  },
});
const readAttribution: Reader<Attribution> = record({ conversion: str, conversions: num, models: mapValues(numbers) });
const readTransitions: Reader<Transitions> = (value) => {
  const body = obj(value);
  const channels = list(str)(body.channels);
  const rows = arr(body.matrix);
  return { channels, matrix: channels.map((_, i) => channels.map((__, j) => count(arr(rows[i])[j]))) };
};
const readStalledPerson: Reader<StalledPerson> = record({
  personId: str,
  userIds: list(str),
  startedAt: time,
  lastTouchpoint: (value) => (value ? record({ timestamp: time, channel: str, event: str })(value) : null),
  contactChannel: str,
  stage: str,
  nextBestTouchpoint: str,
});
const readEvent: Reader<EventRow> = record({
  messageId: str,
  type: str,
  event: str,
  userId: str,
  anonymousId: str,
  personId: str,
  sessionId: str,
  channel: str,
  stage: str,
  timestamp: time,
  properties: obj,
  touchpoint: (value) => (typeof value === "boolean" ? value : undefined),
});
const readTimeline: Reader<Timeline> = record({ personId: str, userIds: list(str), anonymousIds: list(str), events: list(readEvent) });
const readCohort: Reader<Cohort> = record({ cohort: str, size: count, retained: list(count) });
/** A churn row has a `name`, or names a channel or an event: `{"channel": "email"}`, `{"event": "x"}`. */
const readChurnTouchpoint: Reader<Churn["touchpoints"][number]> = (value) => {
  const t = obj(value);
  const named = t.kind ?? t.type;
  const kind = named === "event" || named === "channel" ? named : t.event !== undefined ? "event" : t.channel !== undefined ? "channel" : null;
  return { kind, name: str(t.name ?? (kind ? t[kind] : "")), churnedShare: count(t.churnedShare), baseShare: count(t.baseShare), lift: count(t.lift) };
};
const readChurn: Reader<Churn> = record({ event: str, churned: num, touchpoints: list(readChurnTouchpoint) });
const readVitalsPage: Reader<VitalsPage> = record({
  path: str,
  samples: count,
  metrics: mapValues(record({ p75: num, good: count, needsImprovement: count, poor: count })),
});

export interface ClientOptions {
  fetch?: typeof fetch;
  /** Called when the session cookie is missing or expired, so the app can show the login. */
  onUnauthorized?: () => void;
}

const readRoiRow: Reader<RoiRow> = record({
  group: str, touchpoints: count, mediaCost: count, operationalCost: count, cost: count, conversions: count, revenue: count,
  costPerTouchpoint: num, cpa: num, roas: num, medianDaysToConvert: num,
});
const readRoi: Reader<Roi> = record({ model: str, conversions: num, revenue: num, cost: num, roas: num, rows: list(readRoiRow) });
const readScoreRow: Reader<ScoreRow> = record({ key: str, responses: count, score: num });
const readFeedback: Reader<Feedback> = record({
  kind: str, responses: count, score: num, byChannel: list(readScoreRow), byStage: list(readScoreRow), byStep: list(readScoreRow),
  comments: list(record({ timestamp: time, score: num, channel: str, comment: str })),
  precedingLowScores: list(record({ channel: str, lowShare: num, baseShare: num, lift: num })),
});
const readSegmentSide: Reader<SegmentSide> = record({
  people: count, revenue: count, orders: count, revenuePerPerson: count,
  channels: list(record({ channel: str, share: num })), paths: list(record({ steps: list(str), people: count })),
});
const readValueSegments: Reader<ValueSegments> = record({ threshold: num, segment: readSegmentSide, rest: readSegmentSide });
const readAtRiskPerson: Reader<AtRiskPerson> = record({
  personId: str, score: num, stage: str, nextBestTouchpoint: str, factors: list(record({ feature: str, weight: num })),
});

export function createClient(options: ClientOptions = {}) {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function request(path: string, init: RequestInit = {}): Promise<unknown> {
    const response = await doFetch(path, {
      credentials: "same-origin",
      headers: { accept: "application/json", ...(init.body ? { "content-type": "application/json" } : {}) },
      ...init,
    });
    if (response.status === 204) return null;
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      if (response.status === 401 && path !== "/api/login") options.onUnauthorized?.();
      const message = str(obj(obj(body).error).message) || `HTTP ${response.status}`;
      throw new ApiError(response.status, message);
    }
    return body;
  }

  return {
    async login(token: string): Promise<SessionInfo> {
      return readSessionInfo(await request("/api/login", { method: "POST", body: JSON.stringify({ token }) }));
    },
    /** The current session, or null when not logged in. */
    async session(): Promise<SessionInfo | null> {
      try {
        return readSessionInfo(await request("/api/session"));
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    async logout(): Promise<void> {
      await request("/api/logout", { method: "POST" });
    },
    site(siteId: string) {
      return createSiteClient(siteId, request);
    },
  };
}

export type Client = ReturnType<typeof createClient>;
export type SiteClient = ReturnType<typeof createSiteClient>;

function createSiteClient(siteId: string, request: (path: string) => Promise<unknown>) {
  const base = `/api/sites/${encodeURIComponent(siteId)}`;
  const get = async (path: string, query: Query = {}) => obj(await request(`${base}${path}${toSearch(query)}`));

  return {
    /** A same-origin link for downloads (the cookie authenticates it). */
    url: (path: string, query: Query = {}): string => `${base}${path}${toSearch(query)}`,
    overview: async (query: Query) => readOverview(await get("/overview", query)),
    timeseries: async (query: Query) => list(readTimePoint)((await get("/timeseries", { interval: "day", ...query })).points),
    channels: async (query: Query) => list(readChannelRow)((await get("/channels", query)).channels),
    eventNames: async (query: Query) => list(readEventName)((await get("/event-names", query)).events).filter((e) => e.name),
    journeyStats: async (query: Query) => readJourneyStats(await get("/journeys/stats", query)),
    funnel: async (query: Query) => list(readFunnelStep)((await get("/funnel", query)).steps),
    paths: async (query: Query) => readPaths(await get("/paths", query)),
    attribution: async (query: Query) => readAttribution(await get("/attribution", query)),
    transitions: async (query: Query) => readTransitions(await get("/transitions", query)),
    stalled: async (query: Query) => list(readStalledPerson)((await get("/stalled", query)).people),
    timeline: async (personId: string) => {
      const timeline = readTimeline(await get(`/people/${encodeURIComponent(personId)}/timeline`));
      return { ...timeline, personId: timeline.personId || personId };
    },
    retention: async (query: Query) => list(readCohort)((await get("/retention", query)).cohorts),
    churn: async (query: Query) => readChurn(await get("/churn", query)),
    vitals: async (query: Query) => list(readVitalsPage)((await get("/vitals", query)).pages),
    events: async (limit: number) => list(readEvent)((await get("/events", { limit })).events),
    roi: async (query: Query) => readRoi(await get("/roi", query)),
    feedback: async (query: Query) => readFeedback(await get("/feedback", query)),
    valueSegments: async (query: Query) => readValueSegments(await get("/segments/value", query)),
    atRisk: async (query: Query) => list(readAtRiskPerson)((await get("/at-risk", query)).people),
  };
}
