// The test oracle: journeys and named events as the read API computed them before the journey
// store, by scanning the raw events and sessions of the range. The state-backed answers must
// equal these on the same stored data (tests/worker/journey-store.test.ts).
import { buildJourneys, type Conversion, type Journey, type Touch } from "../../../edge/src/core/journeys";
import type { JourneyQuery } from "../../../edge/src/query/load/journeys";
import type { Range } from "../../../edge/src/query/params";
import type { TouchFilter } from "../../../edge/src/core/journeys";
import { EVENT_CHANNEL, filterClause, groupRows } from "../../../edge/src/query/load/sql";
import { TOUCHPOINTS_SQL } from "../../../edge/src/query/load/journeys";

type TouchTuple = [key: string, ts: number, channel: string, source: string | null, campaign: string | null, country: string | null, device: string | null];
type ConversionTuple = [...TouchTuple, revenue: number | null];

export async function personOfKeys(db: D1Database, siteId: string): Promise<Map<string, string>> {
  return new Map(await db.prepare("SELECT ident_key, person_id FROM identities WHERE site_id = ?").bind(siteId).raw<[string, string]>());
}

export async function scanTouchpoints(db: D1Database, siteId: string, range: Range, people: Map<string, string>): Promise<Map<string, Touch[]>> {
  const rows = await db.prepare(`${TOUCHPOINTS_SQL} ORDER BY ts`).bind(siteId, range.from, range.to).raw<TouchTuple>();
  return groupRows(rows, ([key]) => people.get(key)!, ([, ts, channel, source, campaign, country, device]) => ({ ts, channel, source, campaign, country, device }));
}

async function scanConversions(db: D1Database, siteId: string, event: string, range: Range, people: Map<string, string>): Promise<Map<string, Conversion[]>> {
  const rows = await db
    .prepare(`SELECT ident_key, ts, channel, source, campaign, country, device, revenue FROM events
       WHERE site_id = ?1 AND event = ?2 AND ts BETWEEN ?3 AND ?4 ORDER BY ts`)
    .bind(siteId, event, range.from, range.to)
    .raw<ConversionTuple>();
  return groupRows(rows, ([key]) => people.get(key)!, ([, ts, channel, source, campaign, country, device, revenue]) => ({ ts, channel, source, campaign, country, device, revenue }));
}

export async function scanJourneys(db: D1Database, siteId: string, q: JourneyQuery): Promise<Journey[]> {
  const wide = { from: q.from - q.lookbackMs, to: q.to };
  const people = await personOfKeys(db, siteId);
  const [touchpoints, conversions] = await Promise.all([
    scanTouchpoints(db, siteId, wide, people), scanConversions(db, siteId, q.conversion, wide, people),
  ]);
  return buildJourneys(touchpoints, conversions, q);
}

export async function scanNamedEvents(db: D1Database, siteId: string, range: Range, filter: TouchFilter, names: string[] | null, withChannel: boolean) {
  const people = await personOfKeys(db, siteId);
  const f = filterClause("e", filter);
  const only = names === null ? "e.event IS NOT NULL" : "e.event IN (SELECT value FROM json_each(?))";
  const rows = await db
    .prepare(`SELECT e.ident_key, e.ts, e.event, ${withChannel ? EVENT_CHANNEL : "NULL"}
       FROM events e ${withChannel ? "JOIN sessions s ON s.id = e.session_id" : ""}
       WHERE e.site_id = ? AND e.ts BETWEEN ? AND ? AND ${only}${f.sql} ORDER BY e.ts, e.id`)
    .bind(siteId, range.from, range.to, ...(names === null ? [] : [JSON.stringify(names)]), ...f.params)
    .raw<[string, number, string, string | null]>();
  return groupRows(rows, ([key]) => people.get(key)!, ([, ts, name, channel]) => ({ ts, name, channel }));
}

/** Every staged event up to `to` by person, in time order. */
export async function scanStages(db: D1Database, siteId: string, to: number, people: Map<string, string>) {
  const rows = await db.prepare("SELECT ident_key, ts, stage FROM events WHERE site_id = ? AND ts <= ? AND stage IS NOT NULL ORDER BY ts, id")
    .bind(siteId, to).raw<[string, number, string]>();
  return groupRows(rows, ([key]) => people.get(key)!, ([, ts, stage]) => ({ ts, stage }));
}
