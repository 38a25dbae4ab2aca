// Touchpoints and conversions as stored, and the journeys built from them.
import { buildJourneys, type Conversion, type Journey, type Touch, type TouchFilter } from "../journeys";
import type { Range } from "../params";
import { all, byPerson, PERSON_JOIN } from "./filters";

interface TouchRow extends Touch {
  personId: string;
}

/**
 * API.md's touchpoints: each session's start, and each event with an explicit channel other than
 * its session's. Sorted by person, then time.
 */
export const TOUCHPOINTS_SQL = `
  SELECT i.person_id AS personId, s.start_ts AS ts, s.channel, s.source, s.campaign, s.country, s.device
  FROM sessions s ${PERSON_JOIN("s")}
  WHERE s.site_id = ?1 AND s.start_ts BETWEEN ?2 AND ?3
  UNION ALL
  SELECT i.person_id, e.ts, e.channel, e.source, e.campaign, e.country, e.device
  FROM events e JOIN sessions s ON s.id = e.session_id ${PERSON_JOIN("e")}
  WHERE e.site_id = ?1 AND e.ts BETWEEN ?2 AND ?3 AND e.channel_explicit = 1 AND e.channel <> s.channel`;

export async function loadTouchpoints(db: D1Database, siteId: string, range: Range): Promise<Map<string, Touch[]>> {
  const rows = await all<TouchRow>(db, `${TOUCHPOINTS_SQL} ORDER BY personId, ts`, [siteId, range.from, range.to]);
  return byPerson(rows, ({ personId, ...t }) => t);
}

export async function loadConversions(db: D1Database, siteId: string, event: string, range: Range): Promise<Map<string, Conversion[]>> {
  const rows = await all<Conversion & { personId: string }>(
    db,
    `SELECT i.person_id AS personId, e.ts, e.revenue, e.channel, e.source, e.campaign, e.country, e.device
     FROM events e ${PERSON_JOIN("e")}
     WHERE e.site_id = ?1 AND e.event = ?2 AND e.ts BETWEEN ?3 AND ?4
     ORDER BY personId, e.ts`,
    [siteId, event, range.from, range.to],
  );
  return byPerson(rows, ({ personId, ...c }) => c);
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
