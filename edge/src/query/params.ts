// Query parameters of the read API, checked: a bad one is a 400 naming its field, never a guess.
import { DAY_MS, type PeopleSet, type TouchFilter } from "./journeys";

export class ParamError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The query string as a lookup. `asked` is set when the question is asked for another range than
 * its parameters name (a comparison's previous range) or for a segment's people only
 * (handler.ts's askedQuestion): the parameters are still checked, the range and people come from it.
 */
export interface Query {
  (name: string): string | undefined;
  asked?: Asked;
}

export interface Asked {
  range: Range;
  people?: PeopleSet;
}

const EPOCH_MS = /^\d{1,15}$/;
const ISO = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

/** ISO 8601 or epoch milliseconds; null when the text is neither (so /paths can read it as an event). */
export function asTime(raw: string): number | null {
  if (EPOCH_MS.test(raw)) return Number(raw);
  if (!ISO.test(raw)) return null;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? null : ms;
}

export interface Range {
  from: number;
  to: number;
}

/** Ranges include both ends. */
export const inRange = (ts: number, r: Range): boolean => ts >= r.from && ts <= r.to;

export interface Common extends Range {
  filter: TouchFilter;
}

export const DEFAULT_RANGE_MS = 30 * DAY_MS;
const MINUTE_MS = 60_000;

export function parseRange(q: Query, now: number): Range {
  const time = (field: string, fallback: number) => {
    const raw = q(field);
    if (raw === undefined || raw === "") return fallback;
    const ms = asTime(raw);
    if (ms === null) throw new ParamError(field, `${field} must be an ISO 8601 time or epoch milliseconds`);
    return ms;
  };
  // A range that ends now ends at the next whole minute, so that the questions asked within a
  // minute are the same question (answers and loads are shared by exact range).
  const to = time("to", Math.ceil(now / MINUTE_MS) * MINUTE_MS);
  const from = time("from", to - DEFAULT_RANGE_MS);
  if (from > to) throw new ParamError("from", "from must not be after to");
  return q.asked ? { ...q.asked.range } : { from, to };
}

const FILTERS = ["channel", "source", "campaign", "country", "device"] as const;

export function parseFilter(q: Query): TouchFilter {
  const filter: TouchFilter = {};
  for (const f of FILTERS) {
    const v = q(f);
    if (v === undefined) continue;
    if (v === "" || v.length > 200) throw new ParamError(f, `${f} must be 1 to 200 characters`);
    filter[f] = v;
  }
  if (q.asked?.people) filter.people = q.asked.people;
  return filter;
}

export function parseCommon(q: Query, now: number): Common {
  return { ...parseRange(q, now), filter: parseFilter(q) };
}

export function parseInteger(q: Query, field: string, fallback: number, min: number, max: number): number {
  const raw = q(field);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw) || n < min || n > max) throw new ParamError(field, `${field} must be an integer from ${min} to ${max}`);
  return n;
}

export function parseChoice<T extends string>(q: Query, field: string, choices: readonly T[], fallback: T): T {
  const raw = q(field);
  if (raw === undefined) return fallback;
  if (!(choices as readonly string[]).includes(raw)) throw new ParamError(field, `${field} must be one of ${choices.join(", ")}`);
  return raw as T;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };

/** A duration such as 30m, 24h, 7d or 2w. */
export function parseDuration(q: Query, field: string, fallback: string): { text: string; ms: number } {
  const text = q(field) ?? fallback;
  const m = /^(\d{1,4})([mhdw])$/.exec(text);
  if (!m || Number(m[1]) === 0) throw new ParamError(field, `${field} must be a duration such as 30m, 24h, 7d or 2w`);
  return { text, ms: Number(m[1]) * UNIT_MS[m[2]] };
}

/** A required event name. */
export function parseName(q: Query, field: string, fallback?: string): string {
  const v = q(field) ?? fallback;
  if (!v || v.length > 200) throw new ParamError(field, `${field} is required: an event name`);
  return v;
}

/** The conversion event: the parameter, else the site's first configured conversion. */
export function parseConversion(q: Query, conversions: string[]): string {
  return parseName(q, "conversion", conversions[0]);
}

export function parseList(q: Query, field: string, max: number): string[] {
  const items = (q(field) ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (items.length === 0 || items.length > max) throw new ParamError(field, `${field} must list 1 to ${max} comma-separated names`);
  return items;
}
