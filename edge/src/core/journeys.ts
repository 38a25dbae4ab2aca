// Journeys as API.md defines them: a conversion's journey is the person's touchpoints after their
// previous conversion and within the lookback window before it; the touchpoints after the last
// conversion form one open journey. Pure: rows in, journeys out.

/** What a touchpoint or conversion carries: enough to group by and to filter on. */
export interface Touch {
  ts: number;
  channel: string;
  source: string | null;
  campaign: string | null;
  country: string | null;
  device: string | null;
}

export interface Conversion extends Touch {
  revenue: number | null;
}

export interface Journey {
  personId: string;
  touchpoints: Touch[];
  /** The conversion that closes it; null for the open journey. */
  conversion: Conversion | null;
  /** Conversion time, or the last touchpoint's time for an open journey. */
  endTs: number;
}

export const DAY_MS = 86_400_000;

/**
 * One person's journeys. Both lists are sorted by time. A touchpoint at the very time of a
 * conversion belongs to it (a store visit that is a purchase). A conversion with no touchpoint of
 * its own, such as a second purchase in the same session, is credited to the context it happened
 * in, so that every model's credits still add up to the conversions.
 */
export function personJourneys(personId: string, touchpoints: Touch[], conversions: Conversion[], lookbackMs: number): Journey[] {
  const journeys: Journey[] = [];
  let next = 0;
  let previous = -Infinity;
  for (const conversion of conversions) {
    const since = Math.max(previous, conversion.ts - lookbackMs);
    const own: Touch[] = [];
    for (; next < touchpoints.length && touchpoints[next].ts <= conversion.ts; next++) {
      const t = touchpoints[next];
      if (t.ts > previous && t.ts >= since) own.push(t);
    }
    journeys.push({ personId, touchpoints: own.length > 0 ? own : [conversion], conversion, endTs: conversion.ts });
    previous = conversion.ts;
  }
  const rest = touchpoints.slice(next).filter((t) => t.ts > previous);
  if (rest.length > 0) {
    const endTs = rest[rest.length - 1].ts;
    journeys.push({ personId, touchpoints: rest.filter((t) => t.ts >= endTs - lookbackMs), conversion: null, endTs });
  }
  return journeys;
}

/** Some people only, by person id and by identity key (the raw tables' column), e.g. a segment's. */
export interface PeopleSet {
  ids: ReadonlySet<string>;
  keys: readonly string[];
}

/**
 * Filters a journey is kept for: it touched what they name (any of its touchpoints matches all),
 * and, with `people`, it is one of theirs.
 */
export interface TouchFilter {
  channel?: string;
  source?: string;
  campaign?: string;
  country?: string;
  device?: string;
  people?: PeopleSet;
}

/** Whether a person is counted under the filter (everyone, without `people`). */
export const personMatches = (personId: string, filter: TouchFilter): boolean => filter.people === undefined || filter.people.ids.has(personId);

export const FILTER_KEYS = ["channel", "source", "campaign", "country", "device"] as const;

/** Whether the filter lets everything through: no field and no people named. */
export const unfiltered = (filter: TouchFilter): boolean => filter.people === undefined && FILTER_KEYS.every((k) => filter[k] === undefined);

export function touchMatches(t: Touch, filter: TouchFilter): boolean {
  return FILTER_KEYS.every((k) => filter[k] === undefined || t[k] === filter[k]);
}

/** Rows grouped by person, each list in time order, as the loaders hand them over. */
export type ByPerson<T> = Map<string, T[]>;

/** Every person's journeys that end in [from, to] and touch what the filter names. */
export function buildJourneys(
  touchpoints: ByPerson<Touch>,
  conversions: ByPerson<Conversion>,
  opts: { lookbackMs: number; from: number; to: number; filter: TouchFilter },
): Journey[] {
  const people = new Set([...touchpoints.keys(), ...conversions.keys()]);
  const out: Journey[] = [];
  for (const personId of people) {
    if (!personMatches(personId, opts.filter)) continue;
    for (const j of personJourneys(personId, touchpoints.get(personId) ?? [], conversions.get(personId) ?? [], opts.lookbackMs)) {
      if (j.endTs < opts.from || j.endTs > opts.to) continue;
      if (!j.touchpoints.some((t) => touchMatches(t, opts.filter))) continue;
      out.push(j);
    }
  }
  return out;
}
