// Reads of the journey state the pipeline keeps (person_state, journeys): what journey answers
// cost follows the people and journeys of their range, not its raw events, and stays the same
// after raw events age out of D1.
import { unpackJourney } from "../../core/journey-pack";
import { unpackState, type PersonState, type StateEvent } from "../../core/person-state";
import { buildJourneys, DAY_MS, touchMatches, type Conversion, type Journey, type Touch, type TouchFilter } from "../../core/journeys";
import type { Range } from "../params";
import { sharedLoad } from "./sql";

/** A person's state as it stood at `to`: what came later is not part of a question about the past. */
function until(state: PersonState, to: number): PersonState {
  return { touches: state.touches.filter((t) => t.ts <= to), events: state.events.filter((e) => e.ts <= to) };
}

const stateLoads = new Map<string, Map<string, PersonState>>();

/** Every person with something in the range, their state cut at its end. */
export function statesInRange(db: D1Database, siteId: string, range: Range, version?: string): Promise<Map<string, PersonState>> {
  return sharedLoad(stateLoads, JSON.stringify([siteId, range.from, range.to]), version, async () => {
    const rows = await db.prepare("SELECT person_id, data FROM person_state WHERE site_id = ? AND last_ts >= ? AND first_ts <= ?")
      .bind(siteId, range.from, range.to).raw<[string, string]>();
    return new Map(rows.map(([personId, data]) => [personId, until(unpackState(data), range.to)]));
  });
}

/** A touchpoint as journeys carry it (the state's session flag left behind). */
const asTouch = ({ ts, channel, source, campaign, country, device }: Touch): Touch => ({ ts, channel, source, campaign, country, device });

export const conversionsOf = (events: StateEvent[], name: string): Conversion[] =>
  events.filter((e) => e.name === name).map(({ ts, channel, source, campaign, country, device, revenue }) => ({ ts, channel, source, campaign, country, device, revenue }));

export interface JourneyQuery extends Range {
  conversion: string;
  lookbackMs: number;
  filter: TouchFilter;
  /** The data version (see answer-cache.ts); with it, loads are shared between requests (sharedLoad). */
  version?: string;
}

/** Whether the journeys table holds this question's journeys: the settings it was built for. */
async function journeysTableServes(db: D1Database, siteId: string, q: JourneyQuery): Promise<boolean> {
  const row = await db.prepare("SELECT journeys_key FROM journey_meta WHERE site_id = ?").bind(siteId).first<{ journeys_key: string | null }>();
  if (!row?.journeys_key) return false;
  const key = JSON.parse(row.journeys_key) as { conversions: string[]; lookbackDays: number };
  return key.conversions.includes(q.conversion) && key.lookbackDays * DAY_MS === q.lookbackMs;
}

/**
 * Journeys ending in the range that touch what the filter names. The site's own questions (a
 * declared conversion, its lookback) read the journeys table; others build journeys from the
 * states of the people of the range. People still active after the range's end are seen as they
 * stood at that end either way (their journey then was open).
 */
export async function loadJourneys(db: D1Database, siteId: string, q: JourneyQuery): Promise<Journey[]> {
  if (!(await journeysTableServes(db, siteId, q))) {
    const states = await statesInRange(db, siteId, q, q.version);
    return journeysOfStates(states, q);
  }
  const [rows, later] = await Promise.all([
    db.prepare("SELECT person_id, end_ts, data FROM journeys WHERE site_id = ? AND conversion = ? AND end_ts BETWEEN ? AND ?")
      .bind(siteId, q.conversion, q.from, q.to).raw<[string, number, string]>(),
    // Active both in the range and after it: the table has their journeys as of now, the question
    // asks as of `to`. None when the range ends now, the default.
    db.prepare("SELECT person_id, data FROM person_state WHERE site_id = ? AND last_ts > ?2 AND first_ts <= ?2 AND last_ts >= ?3")
      .bind(siteId, q.to, q.from).raw<[string, string]>(),
  ]);
  const asOfTo = new Map(later.map(([personId, data]) => [personId, until(unpackState(data), q.to)]));
  const out: Journey[] = [];
  for (const [personId, endTs, data] of rows) {
    if (asOfTo.has(personId)) continue;
    const j = unpackJourney(personId, endTs, data);
    if (j.touchpoints.some((t) => touchMatches(t, q.filter))) out.push(j);
  }
  return out.concat(journeysOfStates(asOfTo, q));
}

export function journeysOfStates(states: Map<string, PersonState>, q: JourneyQuery): Journey[] {
  const touches = new Map<string, Touch[]>();
  const conversions = new Map<string, Conversion[]>();
  for (const [personId, s] of states) {
    touches.set(personId, s.touches.map(asTouch));
    conversions.set(personId, conversionsOf(s.events, q.conversion));
  }
  return buildJourneys(touches, conversions, q);
}

/** Touchpoints of the range by person, in time order. */
export function touchesIn(states: Map<string, PersonState>, range: Range): Map<string, Touch[]> {
  const out = new Map<string, Touch[]>();
  for (const [personId, s] of states) {
    const own = s.touches.filter((t) => t.ts >= range.from && t.ts <= range.to).map(asTouch);
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
      e.name !== null && e.ts >= range.from && e.ts <= range.to && (only === null || only.has(e.name)) && touchMatches(e, filter));
    if (own.length) out.set(personId, own);
  }
  return out;
}
