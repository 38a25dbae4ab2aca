// Retention counts. A range wholly after the raw horizon (the usual one: raw events age out after
// 90 days) is counted by the database itself: only the people first seen in the range are
// followed, through their identities into the events index, and only (cohort, bucket, people)
// counts travel, rather than the range's active identities and the site's whole identity map.
// A range reaching before the horizon takes the general path (counts.ts cohortActivity).
import type { TouchFilter } from "../../core/journeys";
import type { Interval } from "../buckets";
import { cohorts, cohortTable } from "../cohorts";
import type { Cohort } from "../api";
import type { Range } from "../params";
import { bucketSql } from "./aggregates";
import { cohortActivity } from "./counts";
import { partsOf } from "./horizon";
import { filterClause } from "./sql";

export async function retentionCohorts(db: D1Database, siteId: string, range: Range, filter: TouchFilter, interval: Interval, version?: string): Promise<Cohort[]> {
  const { aged } = await partsOf(db, siteId, range, filter.people);
  if (aged) {
    const { firstSeen, activeBuckets } = await cohortActivity(db, siteId, range, filter, interval, version);
    const people = firstSeen.map((p) => ({ firstSeen: p.firstSeen, activeBuckets: new Set(activeBuckets.get(p.personId)) }));
    return cohorts(people, interval, range.from, range.to);
  }
  return cohortTable(await countCohorts(db, siteId, range, filter, interval), interval, range.from, range.to);
}

/**
 * The cohort counts of a range the raw tables hold. A person's first time is over all their
 * identities (the identity table never ages); a segment narrows the people, the other filters the
 * events that make a person active. Days first: a day's bucket is its events' bucket, and there
 * are far fewer (person, day) pairs than events to put through the calendar.
 */
export async function countCohorts(db: D1Database, siteId: string, range: Range, filter: TouchFilter, interval: Interval) {
  const f = filterClause("e", filter, 5);
  const rows = await db.prepare(
    `WITH fs AS MATERIALIZED (
       SELECT person_id AS p, MIN(first_seen) AS f FROM identities WHERE site_id = ?1 GROUP BY person_id HAVING f BETWEEN ?2 AND ?3),
     cohort AS MATERIALIZED (SELECT p, ${bucketSql(interval, "f")} AS c FROM fs WHERE ?4 IS NULL OR p IN (SELECT value FROM json_each(?4))),
     days AS (
       SELECT DISTINCT cohort.p, cohort.c, e.ts - e.ts % 86400000 AS day
       FROM cohort CROSS JOIN identities i ON i.site_id = ?1 AND i.person_id = cohort.p
       CROSS JOIN events e ON e.site_id = ?1 AND e.ident_key = i.ident_key AND e.ts BETWEEN ?2 AND ?3${f.sql}),
     active AS (SELECT DISTINCT p, c, ${bucketSql(interval, "day")} AS bucket FROM days)
     SELECT c, bucket, COUNT(*) FROM active GROUP BY c, bucket
     UNION ALL SELECT c, NULL, COUNT(*) FROM cohort GROUP BY c`)
    .bind(siteId, range.from, range.to, filter.people ? JSON.stringify([...filter.people.ids]) : null, ...f.params)
    .raw<[number, number | null, number]>();
  const sizes = new Map<number, number>();
  const active: { cohort: number; bucket: number; people: number }[] = [];
  for (const [cohort, bucket, people] of rows) {
    if (bucket === null) sizes.set(cohort, people);
    else active.push({ cohort, bucket, people });
  }
  return { sizes, active };
}
