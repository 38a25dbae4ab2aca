// Touchpoints and journeys, read from the journey state the pipeline keeps (load/state.ts). The
// SQL of API.md's touchpoints stays here for the counts that still read the raw tables.
import type { Touch } from "../../core/journeys";
import type { Range } from "../params";
import { statesInRange, touchesIn } from "./state";

export { loadJourneys, type JourneyQuery } from "./state";

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

/** Every touchpoint of the range by person, in time order. */
export async function loadTouchpoints(db: D1Database, siteId: string, range: Range, version?: string): Promise<Map<string, Touch[]>> {
  return touchesIn(await statesInRange(db, siteId, range, version), range);
}
