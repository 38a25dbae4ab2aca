// Dashboards ask the same questions over and over between two writes, and a journey-level answer
// over a million events reads every touchpoint of the range (a second or so on D1). So answers are
// kept in the isolate's memory, keyed by the request and by a data version that every stored
// event moves: an event stored a moment ago still shows in the next answer (API.md "fresh").
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { siteDb } from "../sites/site-db";
import { forgetSites, siteNow } from "../sites/catalog";

const MAX_ENTRIES = 64;
const MAX_BODY_CHARS = 512 * 1024;
const MINUTE_MS = 60_000;

interface Entry {
  version: string;
  body: string;
  headers: [string, string][];
}

const versions = new WeakMap<Request, string>();

/** The data version read for this request, for loaders that share work between requests too. */
export const versionOf = (req: Request): string | undefined => versions.get(req);

/**
 * The data version: the newest event id (every store adds events, and identity merges and session
 * changes come with them), the oldest id, the site's identity count (a person erased takes
 * their identities along), the newest engagement report (stored apart from events) and the
 * journey state's version (the people's states are written just after their events). Known gap: a retention sweep that deletes only events arrived after
 * the oldest remaining one (old backfills) goes unseen until the next write. Counting every event
 * would see it, at ~25 ms per request at 1M events.
 */
export async function dataVersion(db: D1Database, siteId: string): Promise<{ version: string; movedTo: string | null }> {
  const row = await db
    .prepare(`SELECT (SELECT MAX(id) FROM events) AS newest, (SELECT MIN(id) FROM events) AS oldest,
      (SELECT COUNT(*) FROM identities WHERE site_id = ?1) AS identities, (SELECT MAX(rowid) FROM page_engagement) AS engaged,
      (SELECT state_version FROM journey_meta WHERE site_id = ?1) AS states,
      (SELECT moved_to FROM move_fences WHERE site_id = ?1) AS movedTo`)
    .bind(siteId)
    .first<{ newest: number | null; oldest: number | null; identities: number; engaged: number | null; states: number | null; movedTo: string | null }>();
  return { version: `${row?.newest}:${row?.oldest}:${row?.identities}:${row?.engaged}:${row?.states}`, movedTo: row?.movedTo ?? null };
}

/**
 * A request without `to` ends now, so its key carries the current minute: the same question
 * asked within a minute is the same question, with a range edge that may lag by under a minute.
 */
export function cacheKey(url: URL, now: number): string {
  const params = [...url.searchParams].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const minute = url.searchParams.has("to") ? "" : `@${Math.floor(now / MINUTE_MS)}`;
  return `${url.pathname}?${new URLSearchParams(params)}${minute}`;
}

export function answerCache(): MiddlewareHandler<AppEnv> {
  const entries = new Map<string, Entry>();
  return async function answerCache(c, next) {
    if (c.req.method !== "GET") return next();
    // The site's settings shape answers too (the default conversion, lookback, stages): an edit
    // through the admin API is a new version even with no event stored since.
    let site = c.get("site");
    let data = await dataVersion(siteDb(c.env, site), site.id);
    if (data.movedTo) {
      // This isolate's cached record predates a move: the site's data is elsewhere now.
      forgetSites();
      site = (await siteNow(c.env.DB, site.id)) ?? site;
      c.set("site", site);
      data = await dataVersion(siteDb(c.env, site), site.id);
    }
    const version = `${data.version}:${JSON.stringify(site.settings)}`;
    versions.set(c.req.raw, version);
    const key = cacheKey(new URL(c.req.url), Date.now());
    const hit = entries.get(key);
    if (hit && hit.version === version) {
      // Refresh its place: the Map's order is the eviction order.
      entries.delete(key);
      entries.set(key, hit);
      return c.body(hit.body, 200, Object.fromEntries([...hit.headers, ["x-parcours-cache", "hit"]]));
    }
    await next();
    if (c.res.status !== 200 || !/json|csv/.test(c.res.headers.get("content-type") ?? "")) return;
    const body = await c.res.clone().text();
    if (body.length > MAX_BODY_CHARS) return;
    entries.delete(key);
    entries.set(key, { version, body, headers: [...c.res.headers] });
    if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  };
}
