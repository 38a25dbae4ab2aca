// One UTC day's activity reduced to what the count answers read (overview, timeseries, channels,
// event-names), by place — the channel, source, campaign, country and device an event, session or
// touchpoint has — so that a filter on any of those, or several, is answered by summing the places
// it matches: events and named events by their own place, a conversion also by the channel it
// happened in, sessions and touchpoints by theirs. People are distinct within the day only: all of
// them, and those with an event of each single place value (what a daily series with one filter
// shows). Counts add up over days, so a range's answer sums its days (load/activity-days.ts keeps
// the digests). Pure.
import type { ChannelRow, EventNameCount } from "./api";
import { FILTER_KEYS, type TouchFilter } from "../core/journeys";

/** [channel, source, campaign, country, device]. */
export type PlaceTuple = [string, string | null, string | null, string | null, string | null];

export interface PlaceCounts {
  events: number;
  sessions: number;
  touchpoints: number;
  /** Named events of this place, by name. */
  names: Record<string, number>;
  /** Named events of this place by the channel they happened in (a session's, or their own), then name. */
  namedIn: Record<string, Record<string, number>>;
}

export interface ActivityDigest {
  people: number;
  /** People with an event whose own `dim` is `value`, by `${dim}:${value}`. */
  peopleBy: Record<string, number>;
  /** By place (the tuple as JSON). */
  places: Record<string, PlaceCounts>;
}

export const emptyActivity = (): ActivityDigest => ({ people: 0, peopleBy: {}, places: {} });
const emptyPlace = (): PlaceCounts => ({ events: 0, sessions: 0, touchpoints: 0, names: {}, namedIn: {} });

export const placeKey = (p: PlaceTuple): string => JSON.stringify(p);
export const placeOf = (x: { channel: string; source: string | null; campaign: string | null; country: string | null; device: string | null }): PlaceTuple =>
  [x.channel, x.source, x.campaign, x.country, x.device];

/** The place's counts in `d`, made on first use. */
export const at = (d: ActivityDigest, p: PlaceTuple): PlaceCounts => (d.places[placeKey(p)] ??= emptyPlace());

const addCounts = (to: Record<string, number>, from: Record<string, number>) => {
  for (const k in from) to[k] = (to[k] ?? 0) + from[k];
};

/** Adds `d` into `total` (people too, which only means something for one day). */
export function addActivity(total: ActivityDigest, d: ActivityDigest): ActivityDigest {
  total.people += d.people;
  addCounts(total.peopleBy, d.peopleBy);
  for (const key in d.places) {
    const from = d.places[key];
    const to = (total.places[key] ??= emptyPlace());
    to.events += from.events;
    to.sessions += from.sessions;
    to.touchpoints += from.touchpoints;
    addCounts(to.names, from.names);
    for (const ch in from.namedIn) addCounts((to.namedIn[ch] ??= {}), from.namedIn[ch]);
  }
  return total;
}

/** A filter of place columns only (no segment) can be answered from digests. */
export const placeFilter = (f: TouchFilter): boolean => f.people === undefined;

function matches(key: string, f: TouchFilter): boolean {
  const p = JSON.parse(key) as PlaceTuple;
  return FILTER_KEYS.every((k, i) => f[k] === undefined || p[i] === f[k]);
}

/** The counts of the places `f` matches, summed into one place. */
export function matching(d: ActivityDigest, f: TouchFilter): PlaceCounts & { channels: Record<string, [sessions: number, touchpoints: number]> } {
  const out = { ...emptyPlace(), channels: {} as Record<string, [number, number]> };
  for (const key in d.places) {
    if (!matches(key, f)) continue;
    const c = d.places[key];
    out.events += c.events;
    out.sessions += c.sessions;
    out.touchpoints += c.touchpoints;
    addCounts(out.names, c.names);
    for (const ch in c.namedIn) addCounts((out.namedIn[ch] ??= {}), c.namedIn[ch]);
    if (c.sessions || c.touchpoints) {
      const ch = (out.channels[(JSON.parse(key) as PlaceTuple)[0]] ??= [0, 0]);
      ch[0] += c.sessions;
      ch[1] += c.touchpoints;
    }
  }
  return out;
}

/** Whether a day's digest knows its people under `f`: with no filter or one. */
export const peopleKnown = (f: TouchFilter): boolean => placeFilter(f) && FILTER_KEYS.filter((k) => f[k] !== undefined).length <= 1;

/** The day's people under `f` (peopleKnown). */
export function peopleUnder(d: ActivityDigest, f: TouchFilter): number {
  const k = FILTER_KEYS.find((k) => f[k] !== undefined);
  return k === undefined ? d.people : d.peopleBy[`${k}:${f[k]}`] ?? 0;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** load/counts channelCounts' rows, in its order: a channel shows where it had a touchpoint or one of these conversions. */
export function channelRows(c: ReturnType<typeof matching>, conversion: string): ChannelRow[] {
  const rows = new Map<string, ChannelRow>();
  const row = (channel: string) => rows.get(channel) ?? rows.set(channel, { channel, sessions: 0, touchpoints: 0, conversions: 0 }).get(channel)!;
  for (const ch in c.channels) Object.assign(row(ch), { sessions: c.channels[ch][0], touchpoints: c.channels[ch][1] });
  for (const ch in c.namedIn) if (c.namedIn[ch][conversion]) row(ch).conversions += c.namedIn[ch][conversion];
  return [...rows.values()].filter((r) => r.touchpoints > 0 || r.conversions > 0)
    .sort((a, b) => b.touchpoints - a.touchpoints || byText(a.channel, b.channel));
}

/** load/counts eventNames' rows, in its order. */
export function nameRows(names: Record<string, number>): EventNameCount[] {
  return Object.entries(names).filter(([, count]) => count > 0).map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || byText(a.name, b.name));
}

// The text kept per day: arrays rather than objects, so that a place's field names and its key's
// escaped quotes are not written again for each of a day's hundreds of places (about half the size).
type PackedPlace = [...PlaceTuple, events: number, sessions: number, touchpoints: number, names: Record<string, number>, namedIn: Record<string, Record<string, number>>];
type Packed = [version: 1, people: number, peopleBy: Record<string, number>, places: PackedPlace[]];

export function packActivity(d: ActivityDigest): string {
  const places = Object.entries(d.places).map(([key, c]): PackedPlace => [...(JSON.parse(key) as PlaceTuple), c.events, c.sessions, c.touchpoints, c.names, c.namedIn]);
  return JSON.stringify([1, d.people, d.peopleBy, places] satisfies Packed);
}

export function unpackActivity(text: string): ActivityDigest | null {
  const packed = JSON.parse(text) as Packed | object;
  if (!Array.isArray(packed) || packed[0] !== 1) return null;
  const [, people, peopleBy, places] = packed as Packed;
  const d: ActivityDigest = { people, peopleBy, places: {} };
  for (const [ch, so, ca, co, de, events, sessions, touchpoints, names, namedIn] of places) {
    d.places[placeKey([ch, so, ca, co, de])] = { events, sessions, touchpoints, names, namedIn };
  }
  return d;
}
