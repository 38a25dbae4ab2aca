// Unfiltered per-person counts from the columns person_state keeps beside each state (its first
// and last event, its latest stage and when), through indexes, so they cost an index range over
// the people rather than the events of the range, and hold after raw ageing. A person whose last
// event (or latest stage) lies inside the range is settled by the columns alone; only people still
// active after the range's end have their state read, to see what they did inside it.
import type { StageCount } from "../api";
import { unpackState } from "../../core/person-state";
import { inRange, type Range } from "../params";


/** People with at least one event in the range. */
export async function peopleActiveIn(db: D1Database, siteId: string, range: Range): Promise<number> {
  const [inside, later] = await db.batch([
    db.prepare("SELECT count(*) AS n FROM person_state WHERE site_id = ? AND last_ts BETWEEN ? AND ?").bind(siteId, range.from, range.to),
    db.prepare("SELECT data FROM person_state WHERE site_id = ?1 AND last_ts > ?2 AND first_ts <= ?2").bind(siteId, range.to),
  ]);
  let n = (inside.results[0] as { n: number }).n;
  for (const { data } of later.results as { data: string }[]) if (unpackState(data).events.some((e) => inRange(e.ts, range))) n++;
  return n;
}

/** People by the stage of their latest staged event in the range (as load/aggregates' peopleByStage). */
export async function stagesIn(db: D1Database, siteId: string, range: Range): Promise<StageCount[]> {
  const [inside, later] = await db.batch([
    db.prepare("SELECT stage, count(*) AS n FROM person_state WHERE site_id = ? AND stage_ts BETWEEN ? AND ? GROUP BY stage").bind(siteId, range.from, range.to),
    db.prepare("SELECT data FROM person_state WHERE site_id = ?1 AND stage_ts > ?2 AND first_ts <= ?2").bind(siteId, range.to),
  ]);
  const counts = new Map((inside.results as { stage: string; n: number }[]).map((r) => [r.stage, r.n]));
  for (const { data } of later.results as { data: string }[]) {
    const events = unpackState(data).events;
    for (let i = events.length - 1; i >= 0; i--) {
      const e = events[i];
      if (e.stage === null || !inRange(e.ts, range)) continue;
      counts.set(e.stage, (counts.get(e.stage) ?? 0) + 1);
      break;
    }
  }
  return [...counts].map(([stage, people]) => ({ stage, people }));
}
