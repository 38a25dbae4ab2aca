// Touchpoints and conversions as stored, and the journeys built from them.
import { buildJourneys, type Conversion, type Journey, type Touch, type TouchFilter } from "../journeys";
import type { Range } from "../params";
import { groupRows, PERSON_JOIN } from "./filters";

/**
 * API.md's touchpoints: each session's start, and each event with an explicit channel other than
 * its session's.
 */
export const TOUCHPOINTS_SQL = `
  SELECT i.person_id AS personId, s.start_ts AS ts, s.channel, s.source, s.campaign, s.country, s.device
  FROM sessions s ${PERSON_JOIN("s")}
  WHERE s.site_id = ?1 AND s.start_ts BETWEEN ?2 AND ?3
  UNION ALL
  SELECT i.person_id, e.ts, e.channel, e.source, e.campaign, e.country, e.device
  FROM events e JOIN sessions s ON s.id = e.session_id ${PERSON_JOIN("e")}
  WHERE e.site_id = ?1 AND e.ts BETWEEN ?2 AND ?3 AND e.channel_explicit = 1 AND e.channel <> s.channel`;

const personOf = (r: [string, ...unknown[]]) => r[0];

type TouchTuple = [personId: string, ts: number, channel: string, source: string | null, campaign: string | null, country: string | null, device: string | null];

// Rows come as arrays (raw) rather than objects: at hundreds of thousands of touchpoints, naming
// every column of every row is a measurable part of the answer time.
export async function loadTouchpoints(db: D1Database, siteId: string, range: Range): Promise<Map<string, Touch[]>> {
  const rows = await db.prepare(`${TOUCHPOINTS_SQL} ORDER BY ts`).bind(siteId, range.from, range.to).raw<TouchTuple>();
  return groupRows(rows, personOf, ([, ts, channel, source, campaign, country, device]) => ({ ts, channel, source, campaign, country, device }));
}

type ConversionTuple = [...TouchTuple, revenue: number | null];

export async function loadConversions(db: D1Database, siteId: string, event: string, range: Range): Promise<Map<string, Conversion[]>> {
  const rows = await db
    .prepare(
      `SELECT i.person_id AS personId, e.ts, e.channel, e.source, e.campaign, e.country, e.device, e.revenue
       FROM events e ${PERSON_JOIN("e")}
       WHERE e.site_id = ?1 AND e.event = ?2 AND e.ts BETWEEN ?3 AND ?4
       ORDER BY e.ts`,
    )
    .bind(siteId, event, range.from, range.to)
    .raw<ConversionTuple>();
  return groupRows(rows, personOf, ([, ts, channel, source, campaign, country, device, revenue]) => ({ ts, channel, source, campaign, country, device, revenue }));
}

export interface JourneyQuery extends Range {
  conversion: string;
  lookbackMs: number;
  filter: TouchFilter;
}

/** Journeys ending in the range; touchpoints are read from a lookback before it so none is cut. */
export async function loadJourneys(db: D1Database, siteId: string, q: JourneyQuery): Promise<Journey[]> {
  const wide = { from: q.from - q.lookbackMs, to: q.to };
  const [touchpoints, conversions] = await Promise.all([
    loadTouchpoints(db, siteId, wide),
    loadConversions(db, siteId, q.conversion, wide),
  ]);
  return buildJourneys(touchpoints, conversions, q);
}
