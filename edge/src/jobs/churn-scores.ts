// The cron's half of the churn-risk scores: learned (query/marketing/churn-scores.ts) and written to
// churn_scores, so the at-risk list reads a ranked table instead of recomputing on every request.
import type { Site } from "../env";
import { computeChurnScores } from "../query/marketing/churn-scores";

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
