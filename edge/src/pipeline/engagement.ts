// A page's engagement reports go to their own table, never into events, sessions or journey state:
// a report is not a page view or a touchpoint, and arriving when the visitor leaves the tab (maybe
// long after the view) it must not open or stretch a session.
import type { EnrichedEvent, Engagement } from "./payload";
import { identKeyOf } from "./stitch";

export type EngagementReport = EnrichedEvent & { engagement: Engagement };

export const isEngagementReport = (e: EnrichedEvent): e is EngagementReport => e.engagement !== undefined;

/** One idempotent insert for the batch's reports (a redelivered report is stored once, by messageId). */
export function storeEngagement(db: D1Database, siteId: string, reports: EngagementReport[]): D1PreparedStatement {
  const rows = reports.map((e) => ({
    m: e.messageId, k: identKeyOf(e), ts: e.ts, p: e.path, sd: e.engagement.scrollDepth, ms: e.engagement.engagedMs,
    ch: e.channel, so: e.source, ca: e.campaign, co: e.country, d: e.device,
  }));
  return db.prepare(
    `INSERT INTO page_engagement (site_id, message_id, ident_key, ts, path, scroll_depth, engaged_ms, channel, source, campaign, country, device)
     SELECT ?1, value->>'m', value->>'k', value->>'ts', value->>'p', value->>'sd', value->>'ms', value->>'ch', value->>'so', value->>'ca',
       value->>'co', value->>'d'
     FROM json_each(?2) WHERE true
     ON CONFLICT (site_id, message_id) DO NOTHING`).bind(siteId, JSON.stringify(rows));
}
