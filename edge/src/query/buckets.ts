// Calendar buckets in UTC for time series and cohorts. Weeks start on Monday (ISO 8601).
import { DAY_MS } from "./journeys";

export const INTERVALS = ["hour", "day", "week", "month"] as const;
export type Interval = (typeof INTERVALS)[number];

export function bucketStart(ts: number, interval: Interval): number {
  const d = new Date(ts);
  switch (interval) {
    case "hour":
      return ts - (ts % 3_600_000);
    case "day":
      return ts - (ts % DAY_MS);
    case "week":
      return ts - (ts % DAY_MS) - ((d.getUTCDay() + 6) % 7) * DAY_MS;
    case "month":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
}

export function nextBucket(start: number, interval: Interval): number {
  if (interval !== "month") return start + { hour: 3_600_000, day: DAY_MS, week: 7 * DAY_MS }[interval];
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Every bucket that overlaps [from, to], in order. */
export function bucketsBetween(from: number, to: number, interval: Interval): number[] {
  const out: number[] = [];
  for (let b = bucketStart(from, interval); b <= to; b = nextBucket(b, interval)) out.push(b);
  return out;
}

/** "2026-11-02" for days and longer, "2026-11-02T13:00Z" for hours. */
export function bucketLabel(start: number, interval: Interval): string {
  const iso = new Date(start).toISOString();
  return interval === "hour" ? `${iso.slice(0, 13)}:00Z` : iso.slice(0, 10);
}
