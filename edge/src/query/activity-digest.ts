// One UTC day's activity reduced to the counts the count answers read (overview, timeseries,
// channels, event-names): events, people, sessions and touchpoints, named events by name, and per
// channel its sessions, touchpoints and named events by name (a conversion counts in the channel it
// happened in, whichever event the question names). Everything but people adds up over days, so a
// range's answer sums its days' digests (load/activity-days.ts keeps them); people are distinct per
// day only, which is what a daily series shows. Pure.
import type { ChannelRow, EventNameCount } from "./api";

export interface ActivityDigest {
  events: number;
  people: number;
  sessions: number;
  touchpoints: number;
  /** Named events by name. */
  names: Record<string, number>;
  /** By channel: [sessions, touchpoints, named events happened in it by name]. */
  channels: Record<string, [number, number, Record<string, number>]>;
}

export const emptyActivity = (): ActivityDigest => ({ events: 0, people: 0, sessions: 0, touchpoints: 0, names: {}, channels: {} });

const addCounts = (to: Record<string, number>, from: Record<string, number>) => {
  for (const k in from) to[k] = (to[k] ?? 0) + from[k];
};

/** Adds `d` into `total` (people too, which only means something for a single day). */
export function addActivity(total: ActivityDigest, d: ActivityDigest): ActivityDigest {
  total.events += d.events;
  total.people += d.people;
  total.sessions += d.sessions;
  total.touchpoints += d.touchpoints;
  addCounts(total.names, d.names);
  for (const ch in d.channels) {
    const [s, t, n] = d.channels[ch];
    const c = (total.channels[ch] ??= [0, 0, {}]);
    c[0] += s;
    c[1] += t;
    addCounts(c[2], n);
  }
  return total;
}

/** The digest of counts the loaders gave for one day. */
export function activityOf(day: {
  events: number;
  people: number;
  names: EventNameCount[];
  channels: { channel: string; sessions: number; touchpoints: number; named: Record<string, number> }[];
}): ActivityDigest {
  const d: ActivityDigest = { ...emptyActivity(), events: day.events, people: day.people };
  for (const { name, count } of day.names) d.names[name] = count;
  for (const c of day.channels) {
    d.sessions += c.sessions;
    d.touchpoints += c.touchpoints;
    d.channels[c.channel] = [c.sessions, c.touchpoints, c.named];
  }
  return d;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** load/counts channelCounts' rows, in its order. */
export function channelRows(d: ActivityDigest, conversion: string): ChannelRow[] {
  return Object.entries(d.channels)
    .map(([channel, [sessions, touchpoints, named]]) => ({ channel, sessions, touchpoints, conversions: named[conversion] ?? 0 }))
    .sort((a, b) => b.touchpoints - a.touchpoints || byText(a.channel, b.channel));
}

/** load/counts eventNames' rows, in its order. */
export function nameRows(d: ActivityDigest): EventNameCount[] {
  return Object.entries(d.names).map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || byText(a.name, b.name));
}

export const packActivity = (d: ActivityDigest): string => JSON.stringify(d);
export const unpackActivity = (text: string): ActivityDigest => JSON.parse(text) as ActivityDigest;
