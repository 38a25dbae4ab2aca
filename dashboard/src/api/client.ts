// Typed client of the Parcours read API (see API.md): the dashboard talks to the worker only
// through this module. Every body goes through its reader (decoders.ts) before a view sees it.
import {
  obj, readAtRisk, readAttribution, readChannelRow, readChurn, readCohort, readEvent, readEventName, readFeedback, readFunnelStep,
  readJourneyStats, readOverview, readPaths, readRoi, readSession, readSignedIn, readStalledPerson, readTimeline, readTimePoint,
  readShareSession, readTransitions, readValueSegments, readVitalsPage, list, str, compared, readSegment, readSegments,
} from "./decoders";
import type { Query, SegmentFilter, SignedIn } from "./types";
import { createActClient } from "./act";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
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

export interface ClientOptions {
  fetch?: typeof fetch;
  /** Called when the session cookie is missing or expired, so the app can show the login. */
  onUnauthorized?: () => void;
  /** A shared link's token: sent as the bearer of every request instead of the session cookie. */
  shareToken?: string;
}

const readTimeseriesPoints = (value: unknown) => ({ points: list(readTimePoint)(obj(value).points) });

export function createClient(options: ClientOptions = {}) {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function request(path: string, init: RequestInit = {}): Promise<unknown> {
    const response = await doFetch(path, {
      // A shared link reads as the link, never with a login this browser may also hold.
      credentials: options.shareToken ? "omit" : "same-origin",
      headers: {
        accept: "application/json",
        ...(init.body ? { "content-type": "application/json" } : {}),
        ...(options.shareToken ? { authorization: `Bearer ${options.shareToken}` } : {}),
      },
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
    async login(token: string): Promise<SignedIn> {
      return readSignedIn(await request("/api/login", { method: "POST", body: JSON.stringify({ token }) }));
    },
    /** The current session, or null when signed out (answered 200, so the console stays clean). */
    async session(): Promise<SignedIn | null> {
      const body = readSession(await request("/api/session"));
      return body.signedIn ? body : null;
    },
    /** What the shared link this client was made with opens (its site and views). */
    async share() {
      return readShareSession(await request("/api/share"));
    },
    async logout(): Promise<void> {
      await request("/api/logout", { method: "POST" });
    },
    site(siteId: string) {
      return createSiteClient(siteId, request, options.shareToken !== undefined);
    },
    /** The admin API for a site's webhooks (the admin's session only). */
    act(siteId: string) {
      return createActClient(siteId, request);
    },
  };
}

export type Client = ReturnType<typeof createClient>;
export type SiteClient = ReturnType<typeof createSiteClient>;

function createSiteClient(siteId: string, request: (path: string, init?: RequestInit) => Promise<unknown>, shared = false) {
  const base = `/api/sites/${encodeURIComponent(siteId)}`;
  const get = async (path: string, query: Query = {}) => obj(await request(`${base}${path}${toSearch(query)}`));

  return {
    /**
     * A same-origin link for downloads (the cookie authenticates it); null through a shared link,
     * whose token a plain link cannot carry (it never goes in a URL a server sees).
     */
    url: (path: string, query: Query = {}): string | null => (shared ? null : `${base}${path}${toSearch(query)}`),
    /** With `compare` in the query, also the previous range's numbers. */
    overview: async (query: Query) => compared(readOverview)(await get("/overview", query)),
    /** The points, and with `compare` the previous range's points (same count, by position). */
    trend: async (query: Query) => {
      const body = compared(readTimeseriesPoints)(await get("/timeseries", { interval: "day", ...query }));
      return { points: body.points, previous: body.previous?.points ?? null };
    },
    segments: async () => readSegments(await get("/segments")).segments,
    createSegment: async (name: string, filter: SegmentFilter) =>
      readSegment(await request(`${base}/segments`, { method: "POST", body: JSON.stringify({ name, filter }) })),
    deleteSegment: async (id: string) => {
      await request(`${base}/segments/${encodeURIComponent(id)}`, { method: "DELETE" });
    },
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
    atRisk: async (query: Query) => readAtRisk(await get("/at-risk", query)).people,
  };
}
