// What the marketing answers read: spend and unit costs, feedback events, stages and the people
// behind them. Read only.
import type { Range } from "../params";
import type { GroupBy } from "../attribution/attribute";
import { NONE } from "../attribution/attribute";
import type { TouchFilter } from "../journeys";
import { EVENT_CHANNEL, filterClause } from "../load/sql";
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
  const out = new Map<string, { ts: number; stage: string }[]>();
  for (const [personId, list] of eventsIn(await statesInRange(db, siteId, range, version), range, {}, null)) {
    const staged = list.flatMap((e) => (e.stage === null ? [] : [{ ts: e.ts, stage: e.stage }]));
    if (staged.length) out.set(personId, staged);
  }
  return out;
}

/** First time each person did one of `names`. */
export async function firstOf(db: D1Database, siteId: string, names: string[], version?: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const all = { from: 0, to: Number.MAX_SAFE_INTEGER };
  for (const [personId, list] of eventsIn(await statesInRange(db, siteId, all, version), all, {}, names)) out.set(personId, list[0].ts);
  return out;
}
