// Churn-risk scores: learned from the site's history and written to churn_scores by the cron, so
// the at-risk list reads a ranked table instead of recomputing on every request.
import type { Site } from "../env";
import type { ScoredPerson } from "../query/api";
import { loadTouchpoints } from "../query/load/journeys";
import { namedEvents } from "../query/load/aggregates";
import { personOfKeys } from "../query/load/sql";
import { feedbackEvents, firstOf, stageEvents } from "../query/marketing/load";
import { latestBefore } from "../query/marketing/latest-before";
import { isLow } from "../query/marketing/feedback";
import { churnFeatures, scorePerson, trainChurnModel, CHURN_WINDOW_MS, type PersonHistory } from "../query/marketing/churn-risk";

export const DEFAULT_CHURN_EVENTS = ["unsubscribe", "cancellation", "churn"];
const HISTORY_MS = 180 * 86_400_000;

export type { ScoredPerson };

export async function computeChurnScores(db: D1Database, site: Site, now: number, churnEvents = DEFAULT_CHURN_EVENTS) {
  const range = { from: now - HISTORY_MS - CHURN_WINDOW_MS, to: now };
  const people = await personOfKeys(db, site.id);
  const [touches, named, feedback, churnedAt, stages] = await Promise.all([
    loadTouchpoints(db, site.id, range),
    namedEvents(db, site.id, range, {}, null, { withChannel: false }),
    feedbackEvents(db, site.id, range, people),
    firstOf(db, site.id, churnEvents),
    stageEvents(db, site.id, range),
  ]);
  const low = new Map<string, number[]>();
  for (const f of feedback) if (isLow(f.kind, f.score)) low.set(f.personId, [...(low.get(f.personId) ?? []), f.ts]);
  const exclude = new Set(churnEvents);
  const history: PersonHistory[] = [];
  for (const personId of new Set([...touches.keys(), ...named.keys()])) {
    const churned = churnedAt.has(personId);
    const end = churned ? churnedAt.get(personId)! : now;
    history.push({
      personId, churned,
      features: churnFeatures(touches.get(personId) ?? [], named.get(personId) ?? [], low.get(personId) ?? [], end, exclude),
      stage: latestBefore(stages.get(personId), end)?.stage ?? null,
    });
  }
  const model = trainChurnModel(history);
  const scored: ScoredPerson[] = history.filter((h) => !h.churned)
    .map((h) => ({ personId: h.personId, stage: h.stage, ...scorePerson(model, h.features) }))
    .sort((a, b) => b.score - a.score);
  return { model, scored };
}

// Learning reads half a year of touchpoints, and what it learns moves slowly: the cron runs every
// five minutes, but a site's scores are learned again once an hour at most.
const REFRESH_MS = 3600_000;

/** Learns and stores the site's scores when they are over an hour old; how many people were scored (0 when skipped). */
export async function refreshChurnScores(db: D1Database, site: Site, now: number, force = false): Promise<number> {
  const last = await db.prepare("SELECT MAX(computed_at) AS at FROM churn_scores WHERE site_id = ?").bind(site.id).first<{ at: number | null }>();
  if (!force && last?.at != null && now - last.at < REFRESH_MS) return 0;
  const { scored } = await computeChurnScores(db, site, now);
  const statements = [db.prepare("DELETE FROM churn_scores WHERE site_id = ?").bind(site.id)];
  for (let i = 0; i < scored.length; i += 500) {
    const rows = scored.slice(i, i + 500).map((s) => ({ p: s.personId, s: s.score, f: JSON.stringify(s.factors), st: s.stage }));
    statements.push(db.prepare(
      `INSERT INTO churn_scores (site_id, person_id, score, factors, stage, computed_at)
       SELECT ?1, value->>'p', value->>'s', value->>'f', value->>'st', ?2 FROM json_each(?3) WHERE true`).bind(site.id, now, JSON.stringify(rows)));
  }
  await db.batch(statements);
  return scored.length;
}
