// Date ranges: a relative preset ("7d") stays relative in a bookmark, so a shared link to
// "last 7 days" still means the last 7 days next week; a custom range pins two calendar dates.

import type { Params } from "./route";

export const RANGE_PRESETS = ["24h", "7d", "30d", "90d", "365d"] as const;
export const DEFAULT_RANGE = "30d";

const DAY_MS = 86_400_000;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export interface TimeRange {
  from: string;
  to: string;
}

function presetMs(preset: string): number | null {
  const match = /^(\d+)([hd])$/.exec(preset);
  if (!match) return null;
  return Number(match[1]) * (match[2] === "h" ? 3_600_000 : DAY_MS);
}

/**
 * The range as ISO instants for the API. Custom dates are whole UTC days, `to` inclusive of its
 * day (so it is sent as the next midnight).
 */
export function resolveRange(params: Params, now: number): TimeRange {
  const { from, to } = params;
  if (params.range === "custom" && from && DATE_RE.test(from) && to && DATE_RE.test(to)) {
    const start = Date.parse(`${from}T00:00:00Z`);
    const end = Date.parse(`${to}T00:00:00Z`) + DAY_MS;
    if (start < end) return { from: new Date(start).toISOString(), to: new Date(end).toISOString() };
  }
  const span = presetMs(params.range ?? "") ?? (presetMs(DEFAULT_RANGE) as number);
  return { from: new Date(now - span).toISOString(), to: new Date(now).toISOString() };
}

/** A calendar date (YYYY-MM-DD, UTC) for date inputs. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
