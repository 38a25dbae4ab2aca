// Counts of a range. Unfiltered, its whole UTC days come from their activity digests
// (activity_days, load/day-digests.ts), so a count costs the days of the range, not its events;
// the range's partial days at both ends, a filter or a segment are counted by scanning. A scan is
// split at the site's raw horizon: what lies after it is counted by SQL over the raw tables
// (grouped in D1), what lies before it — raw events aged out — from the people's states, which hold
// every event and touchpoint of theirs. A day's digest is built by the same scans, so every count
// is the same whichever way it is read, before and after ageing. Filters match an event's own
// columns, a session's or touchpoint's for those; a conversion counts in the channel it happened in.
import type { PersonState } from "../../core/person-state";
import { personMatches, touchMatches, unfiltered, type TouchFilter } from "../../core/journeys";
import { peopleActiveIn } from "./person-spans";
import type { ChannelRow, EventNameCount } from "../api";
import { bucketStart, type Interval } from "../buckets";
import { inRange, type Range } from "../params";
import { statesInRange } from "./state";
import { personOfKeys } from "./sql";
import * as raw from "./raw-counts";
import { horizonOf, partsOf } from "./horizon";
import { dayDigests, type DayTable } from "./day-digests";
import { addActivity, channelRows, emptyActivity, matching, nameRows, packActivity, peopleKnown, peopleUnder, placeFilter, unpackActivity, type ActivityDigest } from "../activity-digest";
import { buildActivityDay } from "./activity-day";
import { DAY_MS } from "../journeys";

type States = Map<string, PersonState>;
const bump = <K>(m: Map<K, number>, k: K, by = 1) => m.set(k, (m.get(k) ?? 0) + by);
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const agedStates = (db: D1Database, siteId: string, r: Range, filter: TouchFilter, version?: string): Promise<States> =>
  statesInRange(db, siteId, r, version, filter.people);

const NO_FILTER: TouchFilter = {};

const activityTable = (db: D1Database, siteId: string): DayTable<ActivityDigest> => ({
  table: "activity_days",
  pack: packActivity,
  unpack: unpackActivity,
  build: async (days) => {
    const horizon = await horizonOf(db, siteId);
    return Promise.all(days.map((day) => buildActivityDay(db, siteId, day, horizon)));
  },
});

interface Split {
  /** The range's whole UTC days that had any activity, digested. */
  days: { day: number; digest: ActivityDigest }[];
  /** Its partial days at both ends, to scan. */
  ends: Range[];
}

/** The range as whole days read from their digests and partial ends; null where digests cannot answer (a segment, no whole day). */
async function split(db: D1Database, siteId: string, range: Range, filter: TouchFilter): Promise<Split | null> {
  if (!placeFilter(filter)) return null;
  const firstDay = Math.ceil(range.from / DAY_MS);
  const lastDay = Math.floor((range.to + 1) / DAY_MS) - 1;
  if (firstDay > lastDay) return null;
  const ends = [{ from: range.from, to: firstDay * DAY_MS - 1 }, { from: (lastDay + 1) * DAY_MS, to: range.to }].filter((r) => r.from <= r.to);
  return { days: await dayDigests(db, siteId, activityTable(db, siteId), firstDay, lastDay), ends };
}

/** The days' counts summed, of the places `filter` matches. */
const sumDays = (days: Split["days"], filter: TouchFilter) => matching(days.reduce((total, d) => addActivity(total, d.digest), emptyActivity()), filter);

/**
 * The range's events, people, sessions and touchpoints (/overview): its whole days summed once
 * from their digests and its partial ends scanned once, where asking each count apart would read
 * the digests and scan the ends three times.
 */
export async function rangeCounts(db: D1Database, siteId: string, range: Range, filter: TouchFilter, version?: string) {
  const s = unfiltered(filter) ? await split(db, siteId, range, filter) : null;
  if (!s) {
    const [counted, sessions, touchpoints] = await Promise.all([
      countEventsAndPeople(db, siteId, range, filter, version),
      scanTouches(db, siteId, range, filter, true, version),
      scanTouches(db, siteId, range, filter, false, version),
    ]);
    return { ...counted, sessions, touchpoints };
  }
  const total = sumDays(s.days, filter);
  const [people, ends] = await Promise.all([
    peopleActiveIn(db, siteId, range),
    Promise.all(s.ends.map((r) => Promise.all([scanEvents(db, siteId, r, version), scanTouches(db, siteId, r, filter, true, version), scanTouches(db, siteId, r, filter, false, version)]))),
  ]);
  let { events, sessions, touchpoints } = total;
  for (const [e, se, t] of ends) {
    events += e;
    sessions += se;
    touchpoints += t;
  }
  return { events, people, sessions, touchpoints };
}

export async function countEventsAndPeople(db: D1Database, siteId: string, range: Range, filter: TouchFilter, version?: string) {
  if (unfiltered(filter)) {
    const [events, people] = await Promise.all([countEvents(db, siteId, range, version), peopleActiveIn(db, siteId, range)]);
    return { events, people };
  }
  const { raw: r, aged } = await partsOf(db, siteId, range, filter.people);
  let events = 0;
  const people = new Set<string>();
  if (r) {
    const [counted, personOf] = await Promise.all([raw.eventsAndKeys(db, siteId, r, filter), personOfKeys(db, siteId, version)]);
    events += counted.events;
    for (const k of counted.keys) people.add(personOf.get(k)!);
  }
  if (aged) {
    for (const [personId, s] of await agedStates(db, siteId, aged, filter, version)) {
      let own = 0;
      for (const e of s.events) if (inRange(e.ts, aged) && touchMatches(e, filter)) own++;
      events += own;
      if (own) people.add(personId);
    }
  }
  return { events, people: people.size };
}

/** Events of the range with no filter: the people are counted apart (person-spans.ts). */
async function countEvents(db: D1Database, siteId: string, range: Range, version?: string): Promise<number> {
  const s = await split(db, siteId, range, NO_FILTER);
  if (!s) return scanEvents(db, siteId, range, version);
  const ends = await Promise.all(s.ends.map((r) => scanEvents(db, siteId, r, version)));
  return ends.reduce((n, e) => n + e, sumDays(s.days, NO_FILTER).events);
}

async function scanEvents(db: D1Database, siteId: string, range: Range, version?: string): Promise<number> {
  const { raw: r, aged } = await partsOf(db, siteId, range);
  let events = r ? await raw.countEvents(db, siteId, r) : 0;
  if (aged) for (const s of (await statesInRange(db, siteId, aged, version)).values()) for (const e of s.events) if (inRange(e.ts, aged)) events++;
  return events;
}

async function countTouches(db: D1Database, siteId: string, range: Range, filter: TouchFilter, sessionsOnly: boolean, version?: string): Promise<number> {
  const s = await split(db, siteId, range, filter);
  if (!s) return scanTouches(db, siteId, range, filter, sessionsOnly, version);
  const total = sumDays(s.days, filter);
  const ends = await Promise.all(s.ends.map((r) => scanTouches(db, siteId, r, filter, sessionsOnly, version)));
  return ends.reduce((n, e) => n + e, sessionsOnly ? total.sessions : total.touchpoints);
}

async function scanTouches(db: D1Database, siteId: string, range: Range, filter: TouchFilter, sessionsOnly: boolean, version?: string) {
  const { raw: r, aged } = await partsOf(db, siteId, range, filter.people);
  let n = r ? await (sessionsOnly ? raw.countSessions : raw.countTouchpoints)(db, siteId, r, filter) : 0;
  if (aged) {
    for (const s of (await agedStates(db, siteId, aged, filter, version)).values()) {
      for (const t of s.touches) if ((!sessionsOnly || t.session) && inRange(t.ts, aged) && touchMatches(t, filter)) n++;
    }
  }
  return n;
}

export const countSessions = (db: D1Database, siteId: string, range: Range, filter: TouchFilter, version?: string) =>
  countTouches(db, siteId, range, filter, true, version);
export const countTouchpoints = (db: D1Database, siteId: string, range: Range, filter: TouchFilter, version?: string) =>
  countTouches(db, siteId, range, filter, false, version);

export interface SeriesRow {
  bucket: number;
  events: number;
  people: number;
  conversions: number;
}

export async function eventSeries(db: D1Database, siteId: string, range: Range, filter: TouchFilter, interval: Interval, conversion: string, version?: string): Promise<SeriesRow[]> {
  // People are distinct per day in a digest (all, or under one filter): only a daily series can
  // take them from there, and not under several filters at once.
  const s = interval === "day" && peopleKnown(filter) ? await split(db, siteId, range, filter) : null;
  if (!s) return scanEventSeries(db, siteId, range, filter, interval, conversion, version);
  const ends = await Promise.all(s.ends.map((r) => scanEventSeries(db, siteId, r, filter, interval, conversion, version)));
  return [
    ...s.days.map(({ day, digest }) => {
      const c = matching(digest, filter);
      return { bucket: day * DAY_MS, events: c.events, people: peopleUnder(digest, filter), conversions: c.names[conversion] ?? 0 };
    }),
    ...ends.flat(),
  ];
}

async function scanEventSeries(db: D1Database, siteId: string, range: Range, filter: TouchFilter, interval: Interval, conversion: string, version?: string): Promise<SeriesRow[]> {
  const { raw: r, aged } = await partsOf(db, siteId, range, filter.people);
  const rows = new Map<number, { events: number; conversions: number; people: Set<string> }>();
  const row = (b: number) => rows.get(b) ?? rows.set(b, { events: 0, conversions: 0, people: new Set() }).get(b)!;
  if (r && !aged) {
    // All raw: the database counts each bucket's people itself, from the distinct (bucket, identity)
    // pairs, rather than shipping the pairs and the site's whole identity map here.
    return raw.eventSeriesWithPeople(db, siteId, r, filter, interval, conversion);
  }
  if (r) {
    const [{ counts, keys }, personOf] = await Promise.all([raw.eventSeries(db, siteId, r, filter, interval, conversion), personOfKeys(db, siteId, version)]);
    for (const c of counts) Object.assign(row(c.bucket), { events: c.events, conversions: c.conversions });
    for (const [b, k] of keys) row(b).people.add(personOf.get(k)!);
  }
  if (aged) {
    for (const [personId, s] of await agedStates(db, siteId, aged, filter, version)) {
      for (const e of s.events) {
        if (!inRange(e.ts, aged) || !touchMatches(e, filter)) continue;
        const x = row(bucketStart(e.ts, interval));
        x.events++;
        if (e.name === conversion) x.conversions++;
        x.people.add(personId);
      }
    }
  }
  return [...rows].map(([bucket, x]) => ({ bucket, events: x.events, people: x.people.size, conversions: x.conversions }));
}

export async function sessionSeries(db: D1Database, siteId: string, range: Range, filter: TouchFilter, interval: Interval, version?: string) {
  const s = interval === "day" ? await split(db, siteId, range, filter) : null;
  if (!s) return scanSessionSeries(db, siteId, range, filter, interval, version);
  const ends = await Promise.all(s.ends.map((r) => scanSessionSeries(db, siteId, r, filter, interval, version)));
  return [...s.days.map(({ day, digest }) => ({ bucket: day * DAY_MS, sessions: matching(digest, filter).sessions })), ...ends.flat()];
}

async function scanSessionSeries(db: D1Database, siteId: string, range: Range, filter: TouchFilter, interval: Interval, version?: string) {
  const { raw: r, aged } = await partsOf(db, siteId, range, filter.people);
  const counts = new Map<number, number>();
  if (r) for (const { bucket, sessions } of await raw.sessionSeries(db, siteId, r, filter, interval)) bump(counts, bucket, sessions);
  if (aged) {
    for (const s of (await agedStates(db, siteId, aged, filter, version)).values()) {
      for (const t of s.touches) if (t.session && inRange(t.ts, aged) && touchMatches(t, filter)) bump(counts, bucketStart(t.ts, interval));
    }
  }
  return [...counts].map(([bucket, sessions]) => ({ bucket, sessions }));
}

interface ChannelTableRow {
  channel: string;
  sessions: number;
  touchpoints: number;
  /** Named events that happened in the channel, by name (all names, or the one asked). */
  named: Record<string, number>;
}

/** Sessions, touchpoints and named events per channel; `name`: count only that name's events. */
async function channelTable(db: D1Database, siteId: string, range: Range, filter: TouchFilter, name?: string, version?: string): Promise<Map<string, ChannelTableRow>> {
  const { raw: r, aged } = await partsOf(db, siteId, range, filter.people);
  const rows = new Map<string, ChannelTableRow>();
  const row = (channel: string) => rows.get(channel) ?? rows.set(channel, { channel, sessions: 0, touchpoints: 0, named: {} }).get(channel)!;
  if (r) {
    const [touches, named] = await Promise.all([raw.channelTouches(db, siteId, r, filter), raw.namedByChannel(db, siteId, r, filter, name)]);
    for (const t of touches) Object.assign(row(t.channel), { sessions: t.sessions, touchpoints: t.touchpoints });
    for (const n of named) row(n.channel).named[n.name] = n.n;
  }
  if (aged) {
    for (const s of (await agedStates(db, siteId, aged, filter, version)).values()) {
      for (const t of s.touches) {
        if (!inRange(t.ts, aged) || !touchMatches(t, filter)) continue;
        const x = row(t.channel);
        x.touchpoints++;
        if (t.session) x.sessions++;
      }
      for (const e of s.events) {
        if (e.name === null || (name !== undefined && e.name !== name) || !inRange(e.ts, aged) || !touchMatches(e, filter)) continue;
        const named = row(e.in).named;
        named[e.name] = (named[e.name] ?? 0) + 1;
      }
    }
  }
  return rows;
}

/** Sessions, touchpoints and conversions per channel (a conversion counts in the channel it happened in). */
export async function channelCounts(db: D1Database, siteId: string, range: Range, filter: TouchFilter, conversion: string, version?: string): Promise<ChannelRow[]> {
  const s = await split(db, siteId, range, filter);
  const total = s ? sumDays(s.days, filter) : matching(emptyActivity(), filter);
  for (const table of await Promise.all((s?.ends ?? [range]).map((r) => channelTable(db, siteId, r, filter, conversion, version)))) {
    for (const { channel, sessions, touchpoints, named } of table.values()) {
      const c = (total.channels[channel] ??= [0, 0]);
      c[0] += sessions;
      c[1] += touchpoints;
      const n = (total.namedIn[channel] ??= {});
      if (named[conversion]) n[conversion] = (n[conversion] ?? 0) + named[conversion];
    }
  }
  return channelRows(total, conversion);
}

export async function eventNames(db: D1Database, siteId: string, range: Range, filter: TouchFilter, version?: string): Promise<EventNameCount[]> {
  const s = await split(db, siteId, range, filter);
  if (!s) return scanEventNames(db, siteId, range, filter, version);
  const { names } = sumDays(s.days, filter);
  for (const end of await Promise.all(s.ends.map((r) => scanEventNames(db, siteId, r, filter, version)))) {
    for (const { name, count } of end) names[name] = (names[name] ?? 0) + count;
  }
  return nameRows(names);
}

async function scanEventNames(db: D1Database, siteId: string, range: Range, filter: TouchFilter, version?: string): Promise<EventNameCount[]> {
  const { raw: r, aged } = await partsOf(db, siteId, range, filter.people);
  const counts = new Map<string, number>();
  if (r) for (const { name, count } of await raw.eventNames(db, siteId, r, filter)) bump(counts, name, count);
  if (aged) {
    for (const s of (await agedStates(db, siteId, aged, filter, version)).values()) {
      for (const e of s.events) if (e.name !== null && inRange(e.ts, aged) && touchMatches(e, filter)) bump(counts, e.name);
    }
  }
  return [...counts].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || byText(a.name, b.name));
}

/** People first seen in the range (over all their identities) and the buckets they were active in. */
export async function cohortActivity(db: D1Database, siteId: string, range: Range, filter: TouchFilter, interval: Interval, version?: string) {
  const { raw: r, aged } = await partsOf(db, siteId, range, filter.people);
  const active = new Map<string, Set<number>>();
  const add = (personId: string, bucket: number) => (active.get(personId) ?? active.set(personId, new Set()).get(personId)!).add(bucket);
  const [firstSeen] = await Promise.all([
    raw.firstSeenIn(db, siteId, range).then((rows) => rows.filter((p) => personMatches(p.personId, filter))),
    r && Promise.all([raw.activeKeys(db, siteId, r, filter, interval), personOfKeys(db, siteId, version)]).then(([keys, personOf]) => {
      for (const [k, bucket] of keys) add(personOf.get(k)!, bucket);
    }),
    aged && agedStates(db, siteId, aged, filter, version).then((states) => {
      for (const [personId, s] of states) for (const e of s.events) if (inRange(e.ts, aged) && touchMatches(e, filter)) add(personId, bucketStart(e.ts, interval));
    }),
  ]);
  return { firstSeen, activeBuckets: new Map([...active].map(([p, b]) => [p, [...b]])) };
}

/** The scans the digests are built from: the tests' oracle (tests/worker/activity-days.test.ts). */
export const scans = { events: scanEvents, touches: scanTouches, eventSeries: scanEventSeries, sessionSeries: scanSessionSeries, channelTable, eventNames: scanEventNames };
