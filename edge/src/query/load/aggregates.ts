// Counts the database can do itself (grouped in SQL, so only small results travel), and the
// narrow row sets the pure analyses need.
import type { StageCount } from "../api";
import type { Interval } from "../buckets";
import { unfiltered, type TouchFilter } from "../journeys";
import { stagesIn } from "./person-spans";
import type { Range } from "../params";
import type { PageEngagement } from "../api";
import { all, EVENT_CHANNEL, filterClause, groupRows, personOfKeys } from "./sql";
import { joinByPerson, partsOf } from "./horizon";
import { eventsIn, statesInRange } from "./state";
import { TOUCHPOINTS_SQL } from "./journeys";

/** The start (epoch ms, UTC) of the bucket holding `col`, matching buckets.ts's bucketStart. */
export function bucketSql(interval: Interval, col: string): string {
  switch (interval) {
    case "hour":
      return `(${col} - ${col} % 3600000)`;
    case "day":
      return `(${col} - ${col} % 86400000)`;
    case "week":
      return `(${col} - ${col} % 86400000 - ((CAST(strftime('%w', ${col} / 1000, 'unixepoch') AS INTEGER) + 6) % 7) * 86400000)`;
    case "month":
      return `(CAST(strftime('%s', ${col} / 1000, 'unixepoch', 'start of month') AS INTEGER) * 1000)`;
  }
}



/** People by the stage of their latest staged event in the range: where each customer stands now. */
export async function peopleByStage(db: D1Database, siteId: string, range: Range, filter: TouchFilter, version?: string): Promise<StageCount[]> {
  if (unfiltered(filter)) return stagesIn(db, siteId, range);
  const { raw, aged } = await partsOf(db, siteId, range, filter.people);
  const latest = new Map<string, { stage: string; ts: number }>();
  const keep = (person: string, stage: string, ts: number) => {
    if ((latest.get(person)?.ts ?? -Infinity) < ts) latest.set(person, { stage, ts });
  };
  if (aged) {
    for (const [personId, list] of eventsIn(await statesInRange(db, siteId, aged, version, filter.people), aged, filter, null)) {
      for (const e of list) if (e.stage !== null) keep(personId, e.stage, e.ts);
    }
  }
  if (raw) {
    const f = filterClause("e", filter);
    // Latest per identity in SQL (SQLite takes the bare column `stage` from the row holding MAX(ts)),
    // then latest per person across their identities.
    const [rows, people] = await Promise.all([
      db.prepare(`SELECT e.ident_key, e.stage, MAX(e.ts) FROM events e
         WHERE e.site_id = ? AND e.ts BETWEEN ? AND ? AND e.stage IS NOT NULL${f.sql} GROUP BY e.ident_key`)
        .bind(siteId, raw.from, raw.to, ...f.params).raw<[string, string, number]>(),
      personOfKeys(db, siteId, version),
    ]);
    for (const [key, stage, ts] of rows) keep(people.get(key)!, stage, ts);
  }
  const counts = new Map<string, number>();
  for (const { stage } of latest.values()) counts.set(stage, (counts.get(stage) ?? 0) + 1);
  return [...counts].map(([stage, n]) => ({ stage, people: n }));
}

/**
 * The web_vital events' samples, in time order. The partial index events_vitals (migration 0018)
 * holds these very expressions, so the read never opens an event's row or parses its properties;
 * left to itself SQLite prefers events_site_event_ts, which does both.
 */
export async function vitalSamples(db: D1Database, siteId: string, range: Range, filter: TouchFilter) {
  const f = filterClause("e", filter);
  return all<{ path: string | null; name: string | null; value: number | null }>(
    db,
    `SELECT COALESCE(e.properties ->> '$.path', e.path) AS path, e.properties ->> '$.name' AS name, e.properties ->> '$.value' AS value
     FROM events e INDEXED BY events_vitals WHERE e.site_id = ? AND e.event = 'web_vital' AND e.ts BETWEEN ? AND ?${f.sql}`,
    [siteId, range.from, range.to, ...f.params],
  );
}

/**
 * Engagement per page, summed in SQL: each visit (visitor, page, UTC day) keeps its deepest scroll
 * and the sum of its engaged time, then the page averages its visits.
 */
export async function engagementByPage(db: D1Database, siteId: string, range: Range, filter: TouchFilter): Promise<Map<string, PageEngagement>> {
  const f = filterClause("g", filter);
  const rows = await all<{ path: string; visits: number; samples: number; depth: number | null; engaged: number }>(
    db,
    `SELECT path, COUNT(*) AS visits, SUM(reports) AS samples, AVG(depth) AS depth, AVG(engaged) AS engaged FROM (
       SELECT g.path AS path, COUNT(*) AS reports, MAX(g.scroll_depth) AS depth, SUM(g.engaged_ms) AS engaged
       FROM page_engagement g WHERE g.site_id = ? AND g.ts BETWEEN ? AND ? AND g.path IS NOT NULL${f.sql}
       GROUP BY g.path, g.ident_key, g.ts / 86400000)
     GROUP BY path`,
    [siteId, range.from, range.to, ...f.params],
  );
  return new Map(rows.map((r) => [r.path, {
    visits: r.visits,
    samples: r.samples,
    scrollDepthAvg: r.depth === null ? null : Math.round(r.depth),
    engagedMsAvg: Math.round(r.engaged),
  }]));
}

export interface NamedEvent {
  ts: number;
  name: string;
  /** The channel it happened in, when asked for (it costs a join with its session). */
  channel: string | null;
}

/** Named events by person, in time order; optionally only some names. */
export async function namedEvents(
  db: D1Database, siteId: string, range: Range, filter: TouchFilter, names: string[] | null, opts: { version?: string; withChannel: boolean },
): Promise<Map<string, NamedEvent[]>> {
  const { raw, aged } = await partsOf(db, siteId, range, filter.people);
  const before = new Map<string, NamedEvent[]>();
  if (aged) {
    for (const [personId, list] of eventsIn(await statesInRange(db, siteId, aged, opts.version, filter.people), aged, filter, names)) {
      before.set(personId, list.map((e) => ({ ts: e.ts, name: e.name, channel: opts.withChannel ? e.in : null })));
    }
  }
  if (!raw) return before;
  if (names !== null) return joinByPerson(before, await someNamedEvents(db, siteId, raw, filter, names, opts.withChannel));
  const f = filterClause("e", filter);
  const [rows, people] = await Promise.all([
    db.prepare(`SELECT e.ident_key, e.ts, e.event, ${opts.withChannel ? EVENT_CHANNEL : "NULL"}
       FROM events e ${opts.withChannel ? "JOIN sessions s ON s.id = e.session_id" : ""}
       WHERE e.site_id = ? AND e.ts BETWEEN ? AND ? AND e.event IS NOT NULL${f.sql} ORDER BY e.ts, e.id`)
      .bind(siteId, raw.from, raw.to, ...f.params)
      .raw<[string, number, string, string | null]>(),
    personOfKeys(db, siteId, opts.version),
  ]);
  return joinByPerson(before, groupRows(rows, ([key]) => people.get(key)!, ([, ts, name, channel]) => ({ ts, name, channel })));
}

/**
 * The raw events of a few names: one seek of the (site, event, ts) index per name, where a plain
 * `event IN (...)` walked every event of the range (at 1M stored events, /stalled's 19k rows came
 * from 570k visited). The few rows found take their person by a join, not by loading every
 * identity of the site. CROSS JOIN keeps SQLite from starting at the range instead of the names.
 */
async function someNamedEvents(db: D1Database, siteId: string, range: Range, filter: TouchFilter, names: string[], withChannel: boolean): Promise<Map<string, NamedEvent[]>> {
  const f = filterClause("e", filter);
  const rows = await db.prepare(`SELECT i.person_id, e.ts, e.event, ${withChannel ? EVENT_CHANNEL : "NULL"}
     FROM json_each(?) n CROSS JOIN events e ON e.site_id = ? AND e.event = n.value AND e.ts BETWEEN ? AND ?
     ${withChannel ? "JOIN sessions s ON s.id = e.session_id" : ""}
     JOIN identities i ON i.site_id = e.site_id AND i.ident_key = e.ident_key
     WHERE 1${f.sql} ORDER BY e.ts, e.id`)
    // Distinct names: a name given twice would give its rows twice.
    .bind(JSON.stringify([...new Set(names)]), siteId, range.from, range.to, ...f.params)
    .raw<[string, number, string, string | null]>();
  return groupRows(rows, ([personId]) => personId, ([, ts, name, channel]) => ({ ts, name, channel }));
}

/** Each person's first time of each event name in the range. */
export async function firstTimes(db: D1Database, siteId: string, range: Range, filter: TouchFilter, version?: string) {
  const first = new Map<string, { personId: string; name: string; firstTs: number }>();
  const keep = (personId: string, name: string, ts: number) => {
    const id = `${personId}\u0000${name}`;
    if ((first.get(id)?.firstTs ?? Infinity) > ts) first.set(id, { personId, name, firstTs: ts });
  };
  const { raw, aged } = await partsOf(db, siteId, range, filter.people);
  if (aged) for (const [personId, list] of eventsIn(await statesInRange(db, siteId, aged, version, filter.people), aged, filter, null)) for (const e of list) keep(personId, e.name, e.ts);
  if (raw) {
    const f = filterClause("e", filter);
    const [rows, people] = await Promise.all([
      db.prepare(`SELECT e.ident_key, e.event, MIN(e.ts) FROM events e
         WHERE e.site_id = ? AND e.ts BETWEEN ? AND ? AND e.event IS NOT NULL${f.sql} GROUP BY e.ident_key, e.event`)
        .bind(siteId, raw.from, raw.to, ...f.params).raw<[string, string, number]>(),
      personOfKeys(db, siteId, version),
    ]);
    for (const [key, name, ts] of rows) keep(people.get(key)!, name, ts);
  }
  return [...first.values()];
}

export interface LastTouchRow {
  personId: string;
  ts: number;
  channel: string;
  /** null from a state packed before touchpoints kept their event. */
  event: string | null;
}

/**
 * Touchpoints of some people, newest first, each with the event that made it (a session's first).
 * CROSS JOIN keeps SQLite from starting at the range's sessions and probing each against the list.
 */
export async function touchpointsOf(db: D1Database, siteId: string, range: Range, people: string[]): Promise<LastTouchRow[]> {
  return all<LastTouchRow>(
    db,
    `SELECT i.person_id AS personId, s.start_ts AS ts, s.channel,
       (SELECT COALESCE(f.event, f.type) FROM events f WHERE f.session_id = s.id ORDER BY f.ts, f.id LIMIT 1) AS event
     FROM identities i CROSS JOIN sessions s ON s.site_id = i.site_id AND s.ident_key = i.ident_key
     WHERE i.site_id = ?1 AND i.person_id IN (SELECT value FROM json_each(?4)) AND s.start_ts BETWEEN ?2 AND ?3
     UNION ALL
     SELECT i.person_id, e.ts, e.channel, COALESCE(e.event, e.type)
     FROM identities i CROSS JOIN events e ON e.site_id = i.site_id AND e.ident_key = i.ident_key JOIN sessions s ON s.id = e.session_id
     WHERE i.site_id = ?1 AND i.person_id IN (SELECT value FROM json_each(?4)) AND e.ts BETWEEN ?2 AND ?3
       AND e.channel_explicit = 1 AND e.channel <> s.channel
     ORDER BY ts DESC`,
    [siteId, range.from, range.to, JSON.stringify(people)],
  );
}

export async function userIdsOf(db: D1Database, siteId: string, people: string[]) {
  return all<{ personId: string; userId: string }>(
    db,
    `SELECT person_id AS personId, substr(ident_key, 3) AS userId FROM identities
     WHERE site_id = ? AND person_id IN (SELECT value FROM json_each(?)) AND ident_key LIKE 'u:%' ORDER BY first_seen`,
    [siteId, JSON.stringify(people)],
  );
}

