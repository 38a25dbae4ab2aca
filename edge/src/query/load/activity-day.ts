// Builds one UTC day's activity digest (activity-digest.ts) from the tables as they are now: SQL
// grouped by place over the raw rows past the site's horizon, the people's states before it (raw
// events aged out), as the scans of load/counts.ts count a range. tests/worker/activity-days.test.ts
// holds the two to each other under every filter.
import { DAY_MS } from "../journeys";
import { at, emptyActivity, placeOf, type ActivityDigest, type PlaceTuple } from "../activity-digest";
import { FILTER_KEYS } from "../../core/journeys";
import { inRange, type Range } from "../params";
import { EVENT_CHANNEL } from "./sql";
import { TOUCHPOINTS_SQL } from "./journeys";
import { statesInRange } from "./state";

type Row5 = [...PlaceTuple];
const PLACE = "channel, source, campaign, country, device";

// Separate reads, not one snapshot: the day store reads the seq first, and a write between two of
// these moves it, so such a digest is not kept (load/day-digests.ts).
function rawCounts(db: D1Database, siteId: string, r: Range) {
  const params = [siteId, r.from, r.to];
  return Promise.all([
    db.prepare(`SELECT ${PLACE}, event, COUNT(*) FROM events WHERE site_id = ?1 AND ts BETWEEN ?2 AND ?3 GROUP BY 1, 2, 3, 4, 5, 6`).bind(...params).raw<[...Row5, string | null, number]>(),
    db.prepare(`SELECT e.channel, e.source, e.campaign, e.country, e.device, e.event, ${EVENT_CHANNEL}, COUNT(*) FROM events e JOIN sessions s ON s.id = e.session_id
      WHERE e.site_id = ?1 AND e.ts BETWEEN ?2 AND ?3 AND e.event IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7`).bind(...params).raw<[...Row5, string, string, number]>(),
    db.prepare(`SELECT ${PLACE}, COUNT(*) FROM sessions WHERE site_id = ?1 AND start_ts BETWEEN ?2 AND ?3 GROUP BY 1, 2, 3, 4, 5`).bind(...params).raw<[...Row5, number]>(),
    db.prepare(`SELECT ${PLACE}, COUNT(*) FROM (${TOUCHPOINTS_SQL}) GROUP BY 1, 2, 3, 4, 5`).bind(...params).raw<[...Row5, number]>(),
  ]);
}

// The day's people and each place value's, through the identity index in SQL (D1 allows few terms
// in a compound SELECT: the dimensions come from json_each, not a UNION each).
const PEOPLE_SQL = `WITH p AS (SELECT DISTINCT i.person_id, x.${PLACE.split(", ").join(", x.")} FROM
    (SELECT DISTINCT ident_key, ${PLACE} FROM events WHERE site_id = ?1 AND ts BETWEEN ?2 AND ?3) x
    CROSS JOIN identities i ON i.site_id = ?1 AND i.ident_key = x.ident_key)
  SELECT NULL, NULL, COUNT(DISTINCT person_id) FROM p
  UNION ALL SELECT k.value, CASE k.value ${FILTER_KEYS.map((c) => `WHEN '${c}' THEN p.${c}`).join(" ")} END AS v, COUNT(DISTINCT p.person_id)
    FROM p CROSS JOIN json_each('${JSON.stringify(FILTER_KEYS)}') k GROUP BY 1, 2 HAVING v IS NOT NULL`;

// A day the horizon cuts: the raw part's people by place, to join with the states' in JS.
const PEOPLE_ROWS_SQL = `SELECT DISTINCT i.person_id, x.${PLACE.split(", ").join(", x.")} FROM
    (SELECT DISTINCT ident_key, ${PLACE} FROM events WHERE site_id = ?1 AND ts BETWEEN ?2 AND ?3) x
    CROSS JOIN identities i ON i.site_id = ?1 AND i.ident_key = x.ident_key`;

/** People sets: all of the day's, and per `${dim}:${value}`. */
class People {
  all = new Set<string>();
  by = new Map<string, Set<string>>();
  add(personId: string, place: PlaceTuple) {
    this.all.add(personId);
    FILTER_KEYS.forEach((k, i) => {
      if (place[i] === null) return;
      const key = `${k}:${place[i]}`;
      (this.by.get(key) ?? this.by.set(key, new Set()).get(key)!).add(personId);
    });
  }
}

export async function buildActivityDay(db: D1Database, siteId: string, day: number, horizon: number): Promise<ActivityDigest> {
  const range = { from: day * DAY_MS, to: (day + 1) * DAY_MS - 1 };
  const raw = range.to >= horizon ? { from: Math.max(range.from, horizon), to: range.to } : null;
  const aged = range.from < horizon ? { from: range.from, to: Math.min(range.to, horizon - 1) } : null;
  const d = emptyActivity();
  const people = new People();
  if (raw) {
    const [events, named, sessions, touches] = await rawCounts(db, siteId, raw);
    for (const [ch, so, ca, co, de, name, n] of events) {
      const c = at(d, [ch, so, ca, co, de]);
      c.events += n;
      if (name !== null) c.names[name] = (c.names[name] ?? 0) + n;
    }
    for (const [ch, so, ca, co, de, name, inCh, n] of named) {
      const byName = (at(d, [ch, so, ca, co, de]).namedIn[inCh] ??= {});
      byName[name] = (byName[name] ?? 0) + n;
    }
    for (const [ch, so, ca, co, de, n] of sessions) at(d, [ch, so, ca, co, de]).sessions += n;
    for (const [ch, so, ca, co, de, n] of touches) at(d, [ch, so, ca, co, de]).touchpoints += n;
    if (!aged) {
      for (const [dim, value, n] of await db.prepare(PEOPLE_SQL).bind(siteId, raw.from, raw.to).raw<[string | null, string | null, number]>()) {
        if (dim === null) d.people = n;
        else d.peopleBy[`${dim}:${value}`] = n;
      }
      return d;
    }
    for (const [personId, ...place] of await db.prepare(PEOPLE_ROWS_SQL).bind(siteId, raw.from, raw.to).raw<[string, ...Row5]>()) people.add(personId, place);
  }
  if (aged) {
    for (const [personId, s] of await statesInRange(db, siteId, aged)) {
      for (const e of s.events) {
        if (!inRange(e.ts, aged)) continue;
        const place = placeOf(e);
        const c = at(d, place);
        c.events++;
        if (e.name !== null) {
          c.names[e.name] = (c.names[e.name] ?? 0) + 1;
          const byName = (c.namedIn[e.in] ??= {});
          byName[e.name] = (byName[e.name] ?? 0) + 1;
        }
        people.add(personId, place);
      }
      for (const t of s.touches) {
        if (!inRange(t.ts, aged)) continue;
        const c = at(d, placeOf(t));
        c.touchpoints++;
        if (t.session) c.sessions++;
      }
    }
  }
  d.people = people.all.size;
  for (const [key, set] of people.by) d.peopleBy[key] = set.size;
  return d;
}
