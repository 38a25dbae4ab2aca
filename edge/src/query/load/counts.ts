// Counts of a range, split at the site's raw horizon: what lies after it is counted by SQL over
// the raw tables (grouped in D1, fast), what lies before it — raw events aged out — from the
// people's states, which hold every event and touchpoint of theirs. So a count is the same before
// and after ageing, and a recent range costs what it did. Filters match an event's own columns,
// a session's or touchpoint's for those; a conversion counts in the channel it happened in.
import type { PersonState } from "../../core/person-state";
import { personMatches, touchMatches, unfiltered, type TouchFilter } from "../../core/journeys";
import { peopleActiveIn } from "./person-spans";
import type { ChannelRow, EventNameCount } from "../api";
import { bucketStart, type Interval } from "../buckets";
import { inRange, type Range } from "../params";
import { statesInRange } from "./state";
import { personOfKeys } from "./sql";
import * as raw from "./raw-counts";
import { partsOf } from "./horizon";

type States = Map<string, PersonState>;
const bump = <K>(m: Map<K, number>, k: K, by = 1) => m.set(k, (m.get(k) ?? 0) + by);
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const agedStates = (db: D1Database, siteId: string, r: Range, filter: TouchFilter, version?: string): Promise<States> =>
  statesInRange(db, siteId, r, version, filter.people);

export async function countEventsAndPeople(db: D1Database, siteId: string, range: Range, filter: TouchFilter, version?: string) {
  if (unfiltered(filter)) {
    const [{ events }, people] = await Promise.all([countEvents(db, siteId, range, version), peopleActiveIn(db, siteId, range)]);
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
async function countEvents(db: D1Database, siteId: string, range: Range, version?: string) {
  const { raw: r, aged } = await partsOf(db, siteId, range);
  let events = r ? await raw.countEvents(db, siteId, r) : 0;
  if (aged) for (const s of (await statesInRange(db, siteId, aged, version)).values()) for (const e of s.events) if (inRange(e.ts, aged)) events++;
  return { events };
}

async function countTouches(db: D1Database, siteId: string, range: Range, filter: TouchFilter, sessionsOnly: boolean, version?: string) {
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

/** Sessions, touchpoints and conversions per channel (a conversion counts in the channel it happened in). */
export async function channelCounts(db: D1Database, siteId: string, range: Range, filter: TouchFilter, conversion: string, version?: string): Promise<ChannelRow[]> {
  const { raw: r, aged } = await partsOf(db, siteId, range, filter.people);
  const rows = new Map<string, ChannelRow>();
  const row = (channel: string) => rows.get(channel) ?? rows.set(channel, { channel, sessions: 0, touchpoints: 0, conversions: 0 }).get(channel)!;
  if (r) for (const c of await raw.channelCounts(db, siteId, r, filter, conversion)) Object.assign(row(c.channel), c);
  if (aged) {
    for (const s of (await agedStates(db, siteId, aged, filter, version)).values()) {
      for (const t of s.touches) {
        if (!inRange(t.ts, aged) || !touchMatches(t, filter)) continue;
        const x = row(t.channel);
        x.touchpoints++;
        if (t.session) x.sessions++;
      }
      for (const e of s.events) if (e.name === conversion && inRange(e.ts, aged) && touchMatches(e, filter)) row(e.in).conversions++;
    }
  }
  return [...rows.values()].sort((a, b) => b.touchpoints - a.touchpoints || byText(a.channel, b.channel));
}

export async function eventNames(db: D1Database, siteId: string, range: Range, filter: TouchFilter, version?: string): Promise<EventNameCount[]> {
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
