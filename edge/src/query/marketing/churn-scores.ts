// Churn-risk scores learned from a site's history: read by the at-risk route when the cron has not
// stored them yet (or other churn events are asked for), and by the cron job that stores them
// (jobs/churn-scores.ts imports this; the read side imports nothing of jobs/).
import type { Site } from "../../env";
import { loadTouchpoints } from "../load/journeys";
import { namedEvents } from "../load/aggregates";
import { personOfKeys } from "../load/sql";
import { feedbackEvents, firstOf, stageEvents } from "./load";
import { latestBefore } from "./latest-before";
import { isLow } from "./feedback";
import { churnFeatures, scoreHistory, CHURN_WINDOW_MS, type PersonHistory } from "./churn-risk";

export const DEFAULT_CHURN_EVENTS = ["unsubscribe", "cancellation", "churn"];
const HISTORY_MS = 180 * 86_400_000;

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
  return scoreHistory(history);
}
