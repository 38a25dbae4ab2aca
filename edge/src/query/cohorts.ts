// Retention cohorts: people grouped by the bucket they were first seen in, then counted in each
// later bucket they were active in. Pure.
import type { Cohort } from "./api";
import { bucketsBetween, bucketLabel, bucketStart, type Interval } from "./buckets";

export interface PersonActivity {
  firstSeen: number;
  /** Bucket starts the person had events in. */
  activeBuckets: Set<number>;
}

/** The counts a cohort table is made of, whether counted here or by the database (load/retention.ts). */
export interface CohortCounts {
  /** Cohort bucket start -> people first seen in it. */
  sizes: Map<number, number>;
  /** People of a cohort active in a bucket (any bucket: those not after the cohort are left out). */
  active: { cohort: number; bucket: number; people: number }[];
}

export function cohorts(people: PersonActivity[], interval: Interval, from: number, to: number): Cohort[] {
  const sizes = new Map<number, number>();
  const active = new Map<string, { cohort: number; bucket: number; people: number }>();
  for (const p of people) {
    const cohort = bucketStart(p.firstSeen, interval);
    sizes.set(cohort, (sizes.get(cohort) ?? 0) + 1);
    for (const bucket of p.activeBuckets) {
      const id = `${cohort}/${bucket}`;
      const row = active.get(id) ?? active.set(id, { cohort, bucket, people: 0 }).get(id)!;
      row.people++;
    }
  }
  return cohortTable({ sizes, active: [...active.values()] }, interval, from, to);
}

/** The table: a row per cohort of the range with people, retained[k] its people active k buckets after it. */
export function cohortTable({ sizes, active }: CohortCounts, interval: Interval, from: number, to: number): Cohort[] {
  const buckets = bucketsBetween(from, to, interval);
  const position = new Map(buckets.map((b, i) => [b, i]));
  const table = buckets.map((b, c) => {
    const size = sizes.get(b) ?? 0;
    const retained = size === 0 ? [] : new Array<number>(buckets.length - c).fill(0);
    if (size) retained[0] = size;
    return { size, retained };
  });
  for (const { cohort, bucket, people } of active) {
    const c = position.get(cohort);
    if (c === undefined || table[c].size === 0) continue;
    const k = (position.get(bucket) ?? -1) - c;
    if (k > 0) table[c].retained[k] += people;
  }
  return table.flatMap((row, i) => (row.size === 0 ? [] : [{ cohort: bucketLabel(buckets[i], interval), size: row.size, retained: row.retained }]));
}
