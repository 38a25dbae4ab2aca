// Retention cohorts: people grouped by the bucket they were first seen in, then counted in each
// later bucket they were active in. Pure.
import type { Cohort } from "./api";
import { bucketsBetween, bucketLabel, type Interval } from "./buckets";

export interface PersonActivity {
  firstSeen: number;
  /** Bucket starts the person had events in. */
  activeBuckets: Set<number>;
}

export function cohorts(people: PersonActivity[], interval: Interval, from: number, to: number): Cohort[] {
  const buckets = bucketsBetween(from, to, interval);
  const position = new Map(buckets.map((b, i) => [b, i]));
  const table = buckets.map(() => ({ size: 0, retained: [] as number[] }));
  for (const p of people) {
    const [first] = bucketsBetween(p.firstSeen, p.firstSeen, interval);
    const c = position.get(first);
    if (c === undefined) continue;
    const row = table[c];
    row.size++;
    if (row.retained.length === 0) row.retained = new Array<number>(buckets.length - c).fill(0);
    row.retained[0]++;
    for (const b of p.activeBuckets) {
      const k = (position.get(b) ?? -1) - c;
      if (k > 0) row.retained[k]++;
    }
  }
  return table.flatMap((row, i) => (row.size === 0 ? [] : [{ cohort: bucketLabel(buckets[i], interval), size: row.size, retained: row.retained }]));
}
