// Alert rules, pure: which period is judged, and whether a value breaks the rule. A rule is judged
// on the last complete period (yesterday, or last week from Monday 00:00 UTC, ISO 8601 weeks),
// against its previous one for changePct; the cron sends it at most once per rule and period.
import type { Period } from "./input";

const DAY = 86_400_000;

export interface Bounds { from: number; to: number }

/** The last complete period before `now`, and the one before it. `to` is exclusive. */
export function periodBounds(now: number, period: Period): { current: Bounds; previous: Bounds } {
  const today = Math.floor(now / DAY) * DAY;
  // 1970-01-01 was a Thursday: days since the last Monday are (day index + 3) mod 7.
  const end = period === "day" ? today : today - ((Math.floor(today / DAY) + 3) % 7) * DAY;
  const len = period === "day" ? DAY : 7 * DAY;
  return { current: { from: end - len, to: end }, previous: { from: end - 2 * len, to: end - len } };
}

export interface Limits { above: number | null; below: number | null; changePct: number | null }

/** Percent change from `previous` to `value`; null when either is missing or previous is 0. */
export function changePct(value: number | null, previous: number | null): number | null {
  if (value === null || previous === null || previous === 0) return null;
  return ((value - previous) / Math.abs(previous)) * 100;
}

/** Why the value breaks the rule (a sentence), or null when it does not. */
export function judgeAlert(limits: Limits, value: number | null, previous: number | null): string | null {
  if (value === null) return null;
  if (limits.above !== null && value > limits.above) return `above ${limits.above}`;
  if (limits.below !== null && value < limits.below) return `below ${limits.below}`;
  const change = changePct(value, previous);
  if (limits.changePct !== null && change !== null && Math.abs(change) >= limits.changePct) {
    return `${change > 0 ? "up" : "down"} ${Math.abs(change).toFixed(1)}% against the previous period (limit ${limits.changePct}%)`;
  }
  return null;
}
