// Churn counts. A range wholly after the raw horizon is counted by the database: each identity's
// first time of each name, then each person's over their identities, then per name how many
// people did it and how many churned people did it before churning. Only a row per name travels,
// rather than a row per (identity, name) and the site's whole identity map. A range reaching
// before the horizon takes the general path (aggregates.ts firstTimes, then churn.ts churnSets).
import type { TouchFilter } from "../../core/journeys";
import { churnSets, churnLift, liftOf } from "../churn";
import type { ChurnBody } from "../api";
import type { Range } from "../params";
import { firstTimes } from "./aggregates";
import { partsOf } from "./horizon";
import { filterClause } from "./sql";

export async function churnAnswer(db: D1Database, siteId: string, range: Range, filter: TouchFilter, event: string, version?: string): Promise<ChurnBody> {
  const { aged } = await partsOf(db, siteId, range, filter.people);
  if (aged) {
    const { churned, base } = churnSets(await firstTimes(db, siteId, range, filter, version), event);
    return { event, churned: churned.length, people: base.length, touchpoints: churnLift(churned, base) };
  }
  const counts = await countChurn(db, siteId, range, filter, event);
  return { event, churned: counts.churned, people: counts.people, touchpoints: liftOf(counts) };
}

/**
 * The churn counts of a range the raw tables hold. The site's event names are listed first, each
 * a seek in events_site_event_ts; then each name's range of that index gives who did it when,
 * without opening an event's row (a scan by time would open every event of the range, page views
 * included).
 */
export async function countChurn(db: D1Database, siteId: string, range: Range, filter: TouchFilter, event: string) {
  const f = filterClause("e", filter, 5);
  const rows = await db.prepare(
    `WITH RECURSIVE names(name) AS (
       SELECT (SELECT MIN(event) FROM events WHERE site_id = ?1 AND event IS NOT NULL)
       UNION ALL SELECT (SELECT MIN(event) FROM events WHERE site_id = ?1 AND event > names.name) FROM names WHERE names.name IS NOT NULL),
     k AS (
       SELECT e.ident_key, e.event AS name, MIN(e.ts) AS t FROM names CROSS JOIN events e ON e.site_id = ?1 AND e.event = names.name
       WHERE e.ts BETWEEN ?2 AND ?3${f.sql} GROUP BY e.ident_key, e.event),
     ft AS MATERIALIZED (
       SELECT i.person_id AS p, k.name, MIN(k.t) AS t FROM k CROSS JOIN identities i ON i.site_id = ?1 AND i.ident_key = k.ident_key
       GROUP BY i.person_id, k.name),
     ch AS MATERIALIZED (SELECT p, t FROM ft WHERE name = ?4)
     SELECT ft.name, COUNT(ch.t) FILTER (WHERE ft.t < ch.t), COUNT(*) FROM ft LEFT JOIN ch ON ch.p = ft.p WHERE ft.name <> ?4 GROUP BY ft.name
     UNION ALL SELECT NULL, (SELECT COUNT(*) FROM ch), COUNT(DISTINCT p) FROM ft`)
    .bind(siteId, range.from, range.to, event, ...f.params)
    .raw<[string | null, number, number]>();
  const names: { name: string; churned: number; base: number }[] = [];
  let churned = 0;
  let people = 0;
  for (const [name, c, b] of rows) {
    if (name === null) [churned, people] = [c, b];
    else names.push({ name, churned: c, base: b });
  }
  return { churned, people, names };
}
