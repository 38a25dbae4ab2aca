// Touchpoints and conversions as stored, and the journeys built from them.
import { buildJourneys, type Conversion, type Journey, type Touch, type TouchFilter } from "../journeys";
import type { Range } from "../params";
import { groupRows, personOfKeys, sharedLoad } from "./sql";

/**
 * API.md's touchpoints: each session's start, and each event with an explicit channel other than
 * its session's, keyed by identity (ident_key).
 */
export const TOUCHPOINTS_SQL = `
  SELECT s.ident_key AS identKey, s.start_ts AS ts, s.channel, s.source, s.campaign, s.country, s.device
  FROM sessions s
  WHERE s.site_id = ?1 AND s.start_ts BETWEEN ?2 AND ?3
  UNION ALL
  SELECT e.ident_key, e.ts, e.channel, e.source, e.campaign, e.country, e.device
  FROM events e JOIN sessions s ON s.id = e.session_id
  WHERE e.site_id = ?1 AND e.ts BETWEEN ?2 AND ?3 AND e.channel_explicit = 1 AND e.channel <> s.channel`;

type TouchTuple = [key: string, ts: number, channel: string, source: string | null, campaign: string | null, country: string | null, device: string | null];
type ConversionTuple = [...TouchTuple, revenue: number | null];

// The person of each row is looked up in that map rather than joined per row in SQL: at a million
// events the join is most of the query's time (measured in workerd at 0.93M events: 0.9 s joined,
// 0.65 s for the two reads). Rows come as arrays (raw): naming every column of every row costs too.

/** Every touchpoint of the range by person, in time order. */
export async function loadTouchpoints(db: D1Database, siteId: string, range: Range, people: Map<string, string>): Promise<Map<string, Touch[]>> {
  const rows = await db.prepare(`${TOUCHPOINTS_SQL} ORDER BY ts`).bind(siteId, range.from, range.to).raw<TouchTuple>();
  return groupRows(rows, ([key]) => people.get(key)!, ([, ts, channel, source, campaign, country, device]) => ({ ts, channel, source, campaign, country, device }));
}

export async function loadConversions(db: D1Database, siteId: string, event: string, range: Range, people: Map<string, string>): Promise<Map<string, Conversion[]>> {
  const rows = await db
    .prepare(
      `SELECT ident_key, ts, channel, source, campaign, country, device, revenue FROM events
       WHERE site_id = ?1 AND event = ?2 AND ts BETWEEN ?3 AND ?4 ORDER BY ts`,
    )
    .bind(siteId, event, range.from, range.to)
    .raw<ConversionTuple>();
  return groupRows(rows, ([key]) => people.get(key)!, ([, ts, channel, source, campaign, country, device, revenue]) => ({ ts, channel, source, campaign, country, device, revenue }));
}

export interface JourneyQuery extends Range {
  conversion: string;
  lookbackMs: number;
  filter: TouchFilter;
  /** The data version (see answer-cache.ts); with it, loads are shared between requests (sharedLoad). */
  version?: string;
}

interface JourneyInputs {
  touchpoints: Map<string, Touch[]>;
  conversions: Map<string, Conversion[]>;
}

const inputLoads = new Map<string, JourneyInputs>();

async function loadInputs(db: D1Database, siteId: string, conversion: string, range: Range, people: Map<string, string>): Promise<JourneyInputs> {
  const [touchpoints, conversions] = await Promise.all([
    loadTouchpoints(db, siteId, range, people),
    loadConversions(db, siteId, conversion, range, people),
  ]);
  return { touchpoints, conversions };
}

/** Journeys ending in the range; touchpoints are read from a lookback before it so none is cut. */
export async function loadJourneys(db: D1Database, siteId: string, q: JourneyQuery): Promise<Journey[]> {
  const wide = { from: q.from - q.lookbackMs, to: q.to };
  const key = JSON.stringify([siteId, q.conversion, wide.from, wide.to]);
  // Two shared loads one after the other, never one inside the other (each holds the isolate's turn).
  const people = await personOfKeys(db, siteId, q.version);
  const { touchpoints, conversions } = await sharedLoad(inputLoads, key, q.version, () => loadInputs(db, siteId, q.conversion, wide, people));
  return buildJourneys(touchpoints, conversions, q);
}
