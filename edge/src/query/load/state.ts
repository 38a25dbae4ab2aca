// Reads of the journey state the pipeline keeps (person_state, journeys): what journey answers
// cost follows the people and journeys of their range, not its raw events, and stays the same
// after raw events age out of D1.
import { conversionsOf, namedEventsOfPacked, stagesOfPacked, touchesOfPacked, unpackState, type NamedStateEvent, type PersonState, type StateEvent } from "../../core/person-state";
import { buildJourneys, touchMatches, type Conversion, type Journey, type PeopleSet, type Touch, type TouchFilter } from "../../core/journeys";
import { inRange, type Range } from "../params";
import { sharedLoad } from "./sql";

/** A person's state as it stood at `to`: what came later is not part of a question about the past. */
export function asOf(state: PersonState, to: number): PersonState {
  return { touches: state.touches.filter((t) => t.ts <= to), events: state.events.filter((e) => e.ts <= to) };
}

const stateLoads = new Map<string, Map<string, PersonState>>();

/** Every person with something in the range, their state cut at its end; with `people`, only theirs. */
export async function statesInRange(db: D1Database, siteId: string, range: Range, version?: string, people?: PeopleSet): Promise<Map<string, PersonState>> {
  const states = await sharedLoad(stateLoads, JSON.stringify([siteId, range.from, range.to]), version, async () => {
    const rows = await db.prepare("SELECT person_id, data FROM person_state WHERE site_id = ? AND last_ts >= ? AND first_ts <= ?")
      .bind(siteId, range.from, range.to).raw<[string, string]>();
    return new Map(rows.map(([personId, data]) => [personId, asOf(unpackState(data), range.to)]));
  });
  return people ? new Map([...states].filter(([personId]) => people.ids.has(personId))) : states;
}

/** Some people's whole states, by person id (a primary-key lookup each). */
export async function statesOf(db: D1Database, siteId: string, people: string[]): Promise<Map<string, PersonState>> {
  return new Map((await packedStatesOf(db, siteId, people)).map(([personId, data]) => [personId, unpackState(data)]));
}

/** A touchpoint as journeys carry it (the state's session flag left behind). */
const asTouch = ({ ts, channel, source, campaign, country, device }: Touch): Touch => ({ ts, channel, source, campaign, country, device });

export function journeysOfStates(states: Map<string, PersonState>, q: Range & { conversion: string; lookbackMs: number; filter: TouchFilter }): Journey[] {
  const touches = new Map<string, Touch[]>();
  const conversions = new Map<string, Conversion[]>();
  for (const [personId, s] of states) {
    touches.set(personId, s.touches.map(asTouch));
    conversions.set(personId, conversionsOf(s.events, q.conversion));
  }
  return buildJourneys(touches, conversions, q);
}

/** The conversions of each person in the range. */
export function conversionsIn(states: Map<string, PersonState>, range: Range, name: string): Map<string, Conversion[]> {
  const out = new Map<string, Conversion[]>();
  for (const [personId, s] of states) {
    const own = conversionsOf(s.events, name).filter((c) => inRange(c.ts, range));
    if (own.length) out.set(personId, own);
  }
  return out;
}

/** Touchpoints of the range by person, in time order. */
export function touchesIn(states: Map<string, PersonState>, range: Range): Map<string, Touch[]> {
  const out = new Map<string, Touch[]>();
  for (const [personId, s] of states) {
    const own = s.touches.filter((t) => inRange(t.ts, range)).map(asTouch);
    if (own.length) out.set(personId, own);
  }
  return out;
}

/** Named events of the range matching the filter (on the event's own columns), by person. */
export function eventsIn(states: Map<string, PersonState>, range: Range, filter: TouchFilter, names: string[] | null): Map<string, (StateEvent & { name: string })[]> {
  const only = names === null ? null : new Set(names);
  const out = new Map<string, (StateEvent & { name: string })[]>();
  for (const [personId, s] of states) {
    const own = s.events.filter((e): e is StateEvent & { name: string } =>
      e.name !== null && inRange(e.ts, range) && (only === null || only.has(e.name)) && touchMatches(e, filter));
    if (own.length) out.set(personId, own);
  }
  return out;
}

/** A person's named events of a range and their first touchpoint ever (core/person-state namedEventsOfPacked). */
export interface RangeEvents {
  first: { ts: number; channel: string } | null;
  events: NamedStateEvent[];
}

/**
 * The named events of the range (of `names`, when given) that match the filter, of every person
 * with one, from their states: per-person sequences for questions no rollup answers (a funnel of
 * any steps), O(people in the range) rather than a scan of the range's raw events and sessions.
 * In the order of each person's first such event, as the raw rows (ordered by time) gave them.
 */
export async function namedEventsOfRange(db: D1Database, siteId: string, range: Range, filter: TouchFilter, names: string[] | null): Promise<Map<string, RangeEvents>> {
  const rows = await db.prepare("SELECT person_id, data FROM person_state WHERE site_id = ? AND last_ts >= ? AND first_ts <= ?")
    .bind(siteId, range.from, range.to).raw<[string, string]>();
  const only = names === null ? null : new Set(names);
  const found: [string, RangeEvents][] = [];
  for (const [personId, data] of rows) {
    if (filter.people && !filter.people.ids.has(personId)) continue;
    const { first, events } = namedEventsOfPacked(data, only);
    const own = events.filter((e) => inRange(e.ts, range) && touchMatches(e, filter));
    if (own.length) found.push([personId, { first, events: own }]);
  }
  return new Map(found.sort((a, b) => a[1].events[0].ts - b[1].events[0].ts));
}

/** People per statement: their ids go to D1 as one JSON parameter, well under its 2 MB cap. */
const PEOPLE_PER_READ = 20_000;

/** Some people's packed states, by person id (a primary-key lookup each), PEOPLE_PER_READ at a time. */
async function packedStatesOf(db: D1Database, siteId: string, people: string[]): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for (let i = 0; i < people.length; i += PEOPLE_PER_READ) {
    const rows = await db.prepare("SELECT ps.person_id, ps.data FROM json_each(?2) j CROSS JOIN person_state ps ON ps.site_id = ?1 AND ps.person_id = j.value")
      .bind(siteId, JSON.stringify(people.slice(i, i + PEOPLE_PER_READ))).raw<[string, string]>();
    for (const row of rows) out.push(row);
  }
  return out;
}

/**
 * These people's touchpoints of the range, in time order, from their states: the touchpoints of
 * some people (a path's starters), where the raw tables give every touchpoint of the range.
 */
export async function touchesOfPeople(db: D1Database, siteId: string, people: string[], range: Range): Promise<Map<string, Touch[]>> {
  const rows = await packedStatesOf(db, siteId, people);
  return touchesIn(new Map(rows.map(([personId, data]) => [personId, { touches: touchesOfPacked(data), events: [] }])), range);
}

/**
 * The staged events up to `to`, in time order, of everyone with something in the range and a
 * stage: what their stage was at any moment (marketing/load.ts stageEvents, which reads every
 * staged event of the site). From their states, which hold every event of theirs.
 */
export async function stagesInRange(db: D1Database, siteId: string, range: Range, to: number): Promise<Map<string, { ts: number; stage: string }[]>> {
  const rows = await db.prepare("SELECT person_id, data FROM person_state WHERE site_id = ? AND last_ts >= ? AND first_ts <= ? AND stage IS NOT NULL")
    .bind(siteId, range.from, range.to).raw<[string, string]>();
  const out = new Map<string, { ts: number; stage: string }[]>();
  for (const [personId, data] of rows) {
    const staged = stagesOfPacked(data, to);
    if (staged.length) out.set(personId, staged);
  }
  return out;
}
