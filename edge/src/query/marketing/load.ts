// What the marketing answers read: spend and unit costs, feedback events, stages and the people
// behind them. Read only.
import type { Range } from "../params";
import type { GroupBy } from "../attribution/attribute";
import { NONE } from "../attribution/attribute";
import type { TouchFilter } from "../journeys";
import { EVENT_CHANNEL, filterClause, groupRows, personOfKeys } from "../load/sql";
import { joinByPerson, partsOf } from "../load/horizon";
import { eventsIn, statesInRange } from "../load/state";
import { isPlainObject } from "../../lib/guards";
import { FEEDBACK_KINDS, type Answer, type FeedbackKind } from "./feedback";

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Media spend in the range per channel or campaign (a campaign-less row counts as "(none)"). A
 * channel or campaign filter narrows it too: the journeys that touched it are set against what
 * was spent on it, not against the whole budget.
 */
export async function mediaSpend(db: D1Database, siteId: string, range: Range, groupBy: GroupBy, { channel, campaign }: TouchFilter = {}): Promise<Record<string, number>> {
  // Spend is recorded by channel and campaign; a source breakdown falls back to the channel.
  const col = groupBy === "campaign" ? "campaign" : "channel";
  const f = filterClause("sp", { channel, campaign });
  const rows = await db.prepare(`SELECT ${col} AS g, SUM(amount) AS amount FROM spend sp WHERE site_id = ? AND day BETWEEN ? AND ?${f.sql} GROUP BY ${col}`)
    .bind(siteId, dayOf(range.from), dayOf(range.to), ...f.params).raw<[string, number]>();
  return Object.fromEntries(rows.map(([g, amount]) => [g === "" ? NONE : g, amount]));
}

export async function unitCosts(db: D1Database, siteId: string): Promise<Record<string, number>> {
  const rows = await db.prepare("SELECT channel, cost FROM unit_costs WHERE site_id = ?").bind(siteId).raw<[string, number]>();
  return Object.fromEntries(rows);
}

export interface FeedbackEvent extends Answer { kind: FeedbackKind }

/**
 * `feedback` events with a known kind and a numeric score, in time order. The channel filter is
 * the caller's: an answer's channel is its session's unless it named its own (EVENT_CHANNEL).
 */
export async function feedbackEvents(db: D1Database, siteId: string, range: Range, people: Map<string, string>,
  { channel: _, ...filter }: TouchFilter = {}): Promise<FeedbackEvent[]> {
  const f = filterClause("e", filter);
  const rows = await db.prepare(
    `SELECT e.ident_key, e.ts, e.properties, ${EVENT_CHANNEL} FROM events e JOIN sessions s ON s.id = e.session_id
     WHERE e.site_id = ? AND e.event = 'feedback' AND e.ts BETWEEN ? AND ?${f.sql} ORDER BY e.ts`)
    .bind(siteId, range.from, range.to, ...f.params).raw<[string, number, string | null, string]>();
  const out: FeedbackEvent[] = [];
  for (const [key, ts, props, channel] of rows) {
    const p = props ? JSON.parse(props) : null;
    if (!isPlainObject(p) || !FEEDBACK_KINDS.includes(p.kind as FeedbackKind)) continue;
    const score = typeof p.score === "number" ? p.score : Number(p.score);
    if (!Number.isFinite(score)) continue;
    out.push({ personId: people.get(key)!, ts, kind: p.kind as FeedbackKind, score, comment: typeof p.comment === "string" ? p.comment : null, channel });
  }
  return out;
}

/** Every stage-mapped event per person, in time order: a person's stage at any time is the latest before it. */
export async function stageEvents(db: D1Database, siteId: string, range: Range, version?: string): Promise<Map<string, { ts: number; stage: string }[]>> {
  const { raw, aged } = await partsOf(db, siteId, range);
  const before = new Map<string, { ts: number; stage: string }[]>();
  if (aged) {
    for (const [personId, list] of eventsIn(await statesInRange(db, siteId, aged, version), aged, {}, null)) {
      const staged = list.flatMap((e) => (e.stage === null ? [] : [{ ts: e.ts, stage: e.stage }]));
      if (staged.length) before.set(personId, staged);
    }
  }
  if (!raw) return before;
  const [rows, people] = await Promise.all([
    db.prepare("SELECT ident_key, ts, stage FROM events WHERE site_id = ? AND ts BETWEEN ? AND ? AND stage IS NOT NULL ORDER BY ts")
      .bind(siteId, raw.from, raw.to).raw<[string, number, string]>(),
    personOfKeys(db, siteId, version),
  ]);
  return joinByPerson(before, groupRows(rows, ([key]) => people.get(key)!, ([, ts, stage]) => ({ ts, stage })));
}

/** First time each person did one of `names`. */
export async function firstOf(db: D1Database, siteId: string, names: string[], version?: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const { raw, aged } = await partsOf(db, siteId, { from: 0, to: Number.MAX_SAFE_INTEGER });
  if (aged) for (const [personId, list] of eventsIn(await statesInRange(db, siteId, aged, version), aged, {}, names)) out.set(personId, list[0].ts);
  if (raw) {
    const [rows, people] = await Promise.all([
      db.prepare("SELECT ident_key, MIN(ts) FROM events WHERE site_id = ? AND ts >= ? AND event IN (SELECT value FROM json_each(?)) GROUP BY ident_key")
        .bind(siteId, raw.from, JSON.stringify(names)).raw<[string, number]>(),
      personOfKeys(db, siteId, version),
    ]);
    for (const [key, ts] of rows) {
      const p = people.get(key)!;
      if (!out.has(p) || ts < out.get(p)!) out.set(p, ts);
    }
  }
  return out;
}
