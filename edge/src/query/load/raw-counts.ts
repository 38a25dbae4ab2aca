// Counts the database does itself over the raw tables (grouped in SQL, so only small results
// travel): the part of a range after the raw horizon (load/counts.ts joins the part before it).
import type { EventNameCount } from "../api";
import type { Interval } from "../buckets";
import type { TouchFilter } from "../../core/journeys";
import type { Range } from "../params";
import { all, EVENT_CHANNEL, filterClause } from "./sql";
import { bucketSql } from "./aggregates";
import { TOUCHPOINTS_SQL } from "./journeys";

export async function countEvents(db: D1Database, siteId: string, range: Range): Promise<number> {
  const [row] = await all<{ n: number }>(db, "SELECT COUNT(*) AS n FROM events WHERE site_id = ? AND ts BETWEEN ? AND ?", [siteId, range.from, range.to]);
  return row.n;
}

/** Events of the range, and the identities that sent them. */
export async function eventsAndKeys(db: D1Database, siteId: string, range: Range, filter: TouchFilter) {
  const f = filterClause("e", filter);
  const params = [siteId, range.from, range.to, ...f.params];
  const where = `WHERE e.site_id = ? AND e.ts BETWEEN ? AND ?${f.sql}`;
  const [[row], keys] = await Promise.all([
    all<{ events: number }>(db, `SELECT COUNT(*) AS events FROM events e ${where}`, params),
    db.prepare(`SELECT DISTINCT e.ident_key FROM events e ${where}`).bind(...params).raw<[string]>(),
  ]);
  return { events: row.events, keys: keys.map(([k]) => k) };
}

export async function countSessions(db: D1Database, siteId: string, range: Range, filter: TouchFilter): Promise<number> {
  const f = filterClause("s", filter);
  const [row] = await all<{ n: number }>(db, `SELECT COUNT(*) AS n FROM sessions s WHERE s.site_id = ? AND s.start_ts BETWEEN ? AND ?${f.sql}`, [
    siteId, range.from, range.to, ...f.params,
  ]);
  return row.n;
}

export async function countTouchpoints(db: D1Database, siteId: string, range: Range, filter: TouchFilter): Promise<number> {
  const f = filterClause("t", filter, 4);
  const [row] = await all<{ n: number }>(db, `SELECT COUNT(*) AS n FROM (${TOUCHPOINTS_SQL}) t WHERE 1${f.sql}`, [siteId, range.from, range.to, ...f.params]);
  return row.n;
}

function seriesWhere(siteId: string, range: Range, filter: TouchFilter, interval: Interval) {
  const f = filterClause("e", filter, 4);
  return { bucket: bucketSql(interval, "e.ts"), where: `WHERE e.site_id = ?1 AND e.ts BETWEEN ?2 AND ?3${f.sql}`, params: [siteId, range.from, range.to, ...f.params] };
}

function seriesCounts(db: D1Database, { bucket, where, params }: ReturnType<typeof seriesWhere>, conversion: string) {
  return all<{ bucket: number; events: number; conversions: number }>(
    db,
    `SELECT ${bucket} AS bucket, COUNT(*) AS events, SUM(CASE WHEN e.event = ?${params.length + 1} THEN 1 ELSE 0 END) AS conversions FROM events e ${where} GROUP BY bucket`,
    [...params, conversion],
  );
}

/** Events and conversions per bucket, and the (bucket, identity) pairs that were active. */
export async function eventSeries(db: D1Database, siteId: string, range: Range, filter: TouchFilter, interval: Interval, conversion: string) {
  const q = seriesWhere(siteId, range, filter, interval);
  const [counts, keys] = await Promise.all([
    seriesCounts(db, q, conversion),
    db.prepare(`SELECT DISTINCT ${q.bucket}, e.ident_key FROM events e ${q.where}`).bind(...q.params).raw<[number, string]>(),
  ]);
  return { counts, keys };
}

/** Events, people and conversions per bucket, the people counted through the identity map in SQL. */
export async function eventSeriesWithPeople(db: D1Database, siteId: string, range: Range, filter: TouchFilter, interval: Interval, conversion: string) {
  const q = seriesWhere(siteId, range, filter, interval);
  const [counts, people] = await Promise.all([
    seriesCounts(db, q, conversion),
    all<{ bucket: number; people: number }>(
      db,
      `SELECT x.bucket, COUNT(DISTINCT i.person_id) AS people FROM (SELECT DISTINCT ${q.bucket} AS bucket, e.ident_key FROM events e ${q.where}) x
       CROSS JOIN identities i ON i.site_id = ?1 AND i.ident_key = x.ident_key GROUP BY x.bucket`,
      q.params,
    ),
  ]);
  const peopleIn = new Map(people.map((p) => [p.bucket, p.people]));
  return counts.map((c) => ({ bucket: c.bucket, events: c.events, people: peopleIn.get(c.bucket) ?? 0, conversions: c.conversions }));
}

export async function sessionSeries(db: D1Database, siteId: string, range: Range, filter: TouchFilter, interval: Interval) {
  const f = filterClause("s", filter);
  return all<{ bucket: number; sessions: number }>(
    db,
    `SELECT ${bucketSql(interval, "s.start_ts")} AS bucket, COUNT(*) AS sessions FROM sessions s
     WHERE s.site_id = ? AND s.start_ts BETWEEN ? AND ?${f.sql} GROUP BY bucket`,
    [siteId, range.from, range.to, ...f.params],
  );
}

/** Sessions and touchpoints per channel. */
export function channelTouches(db: D1Database, siteId: string, range: Range, filter: TouchFilter) {
  const [t, s] = ["t", "s"].map((alias) => filterClause(alias, filter, 4));
  return all<{ channel: string; sessions: number; touchpoints: number }>(
    db,
    `SELECT channel, SUM(sessions) AS sessions, SUM(touchpoints) AS touchpoints FROM (
       SELECT t.channel, 0 AS sessions, COUNT(*) AS touchpoints FROM (${TOUCHPOINTS_SQL}) t WHERE 1${t.sql} GROUP BY t.channel
       UNION ALL SELECT s.channel, COUNT(*), 0 FROM sessions s WHERE s.site_id = ?1 AND s.start_ts BETWEEN ?2 AND ?3${s.sql} GROUP BY s.channel
     ) GROUP BY channel`,
    [siteId, range.from, range.to, ...t.params],
  );
}

/** Named events per channel they happened in (a conversion's channel), by name; only `name` when given. */
export function namedByChannel(db: D1Database, siteId: string, range: Range, filter: TouchFilter, name?: string) {
  const f = filterClause("e", filter, 5);
  return all<{ channel: string; name: string; n: number }>(
    db,
    `SELECT ${EVENT_CHANNEL} AS channel, e.event AS name, COUNT(*) AS n FROM events e JOIN sessions s ON s.id = e.session_id
     WHERE e.site_id = ?1 AND e.ts BETWEEN ?2 AND ?3 AND ${name === undefined ? "e.event IS NOT NULL AND ?4 IS NULL" : "e.event = ?4"}${f.sql} GROUP BY 1, 2`,
    [siteId, range.from, range.to, name ?? null, ...f.params],
  );
}

/** People with an event in the range, counted through the identity map in SQL. */
export async function countPeople(db: D1Database, siteId: string, range: Range): Promise<number> {
  const [row] = await all<{ n: number }>(
    db,
    `SELECT COUNT(DISTINCT i.person_id) AS n FROM (SELECT DISTINCT ident_key FROM events WHERE site_id = ?1 AND ts BETWEEN ?2 AND ?3) x
     CROSS JOIN identities i ON i.site_id = ?1 AND i.ident_key = x.ident_key`,
    [siteId, range.from, range.to],
  );
  return row.n;
}

export async function eventNames(db: D1Database, siteId: string, range: Range, filter: TouchFilter) {
  const f = filterClause("e", filter);
  return all<EventNameCount>(
    db,
    `SELECT e.event AS name, COUNT(*) AS count FROM events e
     WHERE e.site_id = ? AND e.ts BETWEEN ? AND ? AND e.event IS NOT NULL${f.sql} GROUP BY e.event ORDER BY count DESC, name`,
    [siteId, range.from, range.to, ...f.params],
  );
}

/** People first seen in the range, over all their identities (the identity table never ages). */
export function firstSeenIn(db: D1Database, siteId: string, range: Range) {
  return all<{ personId: string; firstSeen: number }>(
    db,
    `SELECT person_id AS personId, MIN(first_seen) AS firstSeen FROM identities WHERE site_id = ?
     GROUP BY person_id HAVING firstSeen BETWEEN ? AND ?`,
    [siteId, range.from, range.to],
  );
}

/** The (identity, bucket) pairs active in the range. */
export function activeKeys(db: D1Database, siteId: string, range: Range, filter: TouchFilter, interval: Interval) {
  const f = filterClause("e", filter);
  return db
    .prepare(`SELECT DISTINCT e.ident_key, ${bucketSql(interval, "e.ts")} FROM events e WHERE e.site_id = ? AND e.ts BETWEEN ? AND ?${f.sql}`)
    .bind(siteId, range.from, range.to, ...f.params)
    .raw<[string, number]>();
}
