// Touchpoints, conversions and journeys of a range. The site's own journey questions read the
// journeys table the pipeline keeps; the rest read touchpoints and conversions split at the raw
// horizon (load/horizon.ts): SQL over the raw tables after it, the people's states before it.
import { unpackJourney } from "../../core/journey-pack";
import { unpackState } from "../../core/person-state";
import { buildJourneys, DAY_MS, personMatches, touchMatches, type Conversion, type Journey, type PeopleSet, type Touch, type TouchFilter } from "../../core/journeys";
import type { Range } from "../params";
import { joinByPerson, partsOf } from "./horizon";
import { filterClause, groupRows, personOfKeys } from "./sql";
import { asOf, conversionsIn, journeysOfStates, statesInRange, touchesIn } from "./state";

/**
 * API.md's touchpoints: each session's start, and each event with an explicit channel other than
 * its session's, keyed by identity (ident_key).
 */
export const TOUCHPOINTS_SQL = `
  SELECT s.ident_key AS ident_key, s.start_ts AS ts, s.channel, s.source, s.campaign, s.country, s.device
  FROM sessions s
  WHERE s.site_id = ?1 AND s.start_ts BETWEEN ?2 AND ?3
  UNION ALL
  SELECT e.ident_key, e.ts, e.channel, e.source, e.campaign, e.country, e.device
  FROM events e JOIN sessions s ON s.id = e.session_id
  WHERE e.site_id = ?1 AND e.ts BETWEEN ?2 AND ?3 AND e.channel_explicit = 1 AND e.channel <> s.channel`;

type TouchTuple = [key: string, ts: number, channel: string, source: string | null, campaign: string | null, country: string | null, device: string | null];
type ConversionTuple = [...TouchTuple, revenue: number | null];

// The person of each row is looked up in the identity map rather than joined per row in SQL: at a
// million events the join is most of the query's time. Rows come as arrays (raw): naming every
// column of every row costs too.

/** Every touchpoint of the range by person, in time order; with `only`, those people's. */
export async function loadTouchpoints(db: D1Database, siteId: string, range: Range, version?: string, only?: PeopleSet): Promise<Map<string, Touch[]>> {
  const { raw, aged } = await partsOf(db, siteId, range, only);
  const before = aged ? touchesIn(await statesInRange(db, siteId, aged, version, only), aged) : new Map<string, Touch[]>();
  if (!raw) return before;
  const f = filterClause("t", { people: only }, 4);
  const [rows, people] = await Promise.all([
    db.prepare(only ? `SELECT * FROM (${TOUCHPOINTS_SQL}) t WHERE 1${f.sql} ORDER BY ts` : `${TOUCHPOINTS_SQL} ORDER BY ts`)
      .bind(siteId, raw.from, raw.to, ...f.params).raw<TouchTuple>(),
    personOfKeys(db, siteId, version),
  ]);
  return joinByPerson(before, groupRows(rows, ([key]) => people.get(key)!, ([, ts, channel, source, campaign, country, device]) => ({ ts, channel, source, campaign, country, device })));
}

export async function loadConversions(db: D1Database, siteId: string, event: string, range: Range, version?: string, only?: PeopleSet): Promise<Map<string, Conversion[]>> {
  const { raw, aged } = await partsOf(db, siteId, range, only);
  const before = aged ? conversionsIn(await statesInRange(db, siteId, aged, version, only), aged, event) : new Map<string, Conversion[]>();
  if (!raw) return before;
  const f = filterClause("events", { people: only }, 5);
  const [rows, people] = await Promise.all([
    db.prepare(`SELECT ident_key, ts, channel, source, campaign, country, device, revenue FROM events
       WHERE site_id = ?1 AND event = ?2 AND ts BETWEEN ?3 AND ?4${f.sql} ORDER BY ts`).bind(siteId, event, raw.from, raw.to, ...f.params).raw<ConversionTuple>(),
    personOfKeys(db, siteId, version),
  ]);
  return joinByPerson(before, groupRows(rows, ([key]) => people.get(key)!,
    ([, ts, channel, source, campaign, country, device, revenue]) => ({ ts, channel, source, campaign, country, device, revenue })));
}

export interface JourneyQuery extends Range {
  conversion: string;
  lookbackMs: number;
  filter: TouchFilter;
  /** The data version (see answer-cache.ts); with it, loads are shared between requests (sharedLoad). */
  version?: string;
}

/** One conversion's journeys ending in [from, to], as the pipeline keeps them. */
export const JOURNEYS_ENDING = "SELECT person_id, end_ts, data FROM journeys WHERE site_id = ? AND conversion = ? AND end_ts BETWEEN ? AND ?";

/**
 * People active both in the range and after it: the journeys table has their journeys as of now,
 * the question asks as of `to`. None when the range ends now, the default.
 */
export const LATER = "FROM person_state WHERE site_id = ?1 AND last_ts > ?2 AND first_ts <= ?2 AND last_ts >= ?3";

/** Whether the journeys table holds this question's journeys: the settings it was built for. */
export async function journeysTableServes(db: D1Database, siteId: string, q: JourneyQuery): Promise<boolean> {
  const row = await db.prepare("SELECT journeys_key FROM journey_meta WHERE site_id = ?").bind(siteId).first<{ journeys_key: string | null }>();
  if (!row?.journeys_key) return false;
  const key = JSON.parse(row.journeys_key) as { conversions: string[]; lookbackDays: number };
  return key.conversions.includes(q.conversion) && key.lookbackDays * DAY_MS === q.lookbackMs;
}

/**
 * Journeys ending in the range that touch what the filter names. The site's own questions (a
 * declared conversion, its lookback) read the journeys table; others build journeys from the
 * states of the people of the range. People still active after the range's end are seen as they
 * stood at that end either way (their journey then was open). `served`: what journeysTableServes
 * answered, when the caller asked it already.
 */
export async function loadJourneys(db: D1Database, siteId: string, q: JourneyQuery, served?: boolean): Promise<Journey[]> {
  if (!(served ?? (await journeysTableServes(db, siteId, q)))) {
    const wide = { from: q.from - q.lookbackMs, to: q.to };
    const [touchpoints, conversions] = await Promise.all([
      loadTouchpoints(db, siteId, wide, q.version, q.filter.people), loadConversions(db, siteId, q.conversion, wide, q.version, q.filter.people),
    ]);
    return buildJourneys(touchpoints, conversions, q);
  }
  const [rows, later] = await Promise.all([
    db.prepare(JOURNEYS_ENDING)
      .bind(siteId, q.conversion, q.from, q.to).raw<[string, number, string]>(),
    db.prepare(`SELECT person_id, data ${LATER}`).bind(siteId, q.to, q.from).raw<[string, string]>(),
  ]);
  const asOfTo = new Map(later.map(([personId, data]) => [personId, asOf(unpackState(data), q.to)]));
  const out: Journey[] = [];
  for (const [personId, endTs, data] of rows) {
    if (asOfTo.has(personId) || !personMatches(personId, q.filter)) continue;
    const j = unpackJourney(personId, endTs, data);
    if (j.touchpoints.some((t) => touchMatches(t, q.filter))) out.push(j);
  }
  return out.concat(journeysOfStates(asOfTo, q));
}

