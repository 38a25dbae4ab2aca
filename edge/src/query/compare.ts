// The range a comparison is asked for (API.md "Compare"): the previous range of equal length, or
// the same range one year earlier. Pure: the middleware in handler.ts asks the question again for it.
import type { CompareMode } from "./api";
import type { Range } from "./params";

/**
 * Ranges are inclusive at both ends (`BETWEEN from AND to`), so the previous one ends a
 * millisecond before this one starts: no event is counted in both, and its length is the same.
 */
export function comparedRange(range: Range, mode: CompareMode): Range {
  if (mode === "year") return { from: yearEarlier(range.from), to: yearEarlier(range.to) };
  const to = range.from - 1;
  return { from: to - (range.to - range.from), to };
}

/** The same UTC calendar time a year earlier; 29 February falls on the 28th. */
export function yearEarlier(ms: number): number {
  const d = new Date(ms);
  const year = d.getUTCFullYear() - 1;
  const month = d.getUTCMonth();
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}
