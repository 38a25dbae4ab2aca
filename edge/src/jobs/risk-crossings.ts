// person.at_risk: sent when a person's churn-risk score (jobs/churn-scores.ts) reaches the site's
// threshold, once per crossing. The mark `risk:<person>` stays while the score stays at or above
// the threshold and is dropped when it falls below, so a later crossing is sent again (with a new
// webhook-id: it is a new occurrence).
import type { Bindings, Site } from "../env";
import type { WebhookRow } from "../db/schema";
import { emit } from "../act/emit";
import { DEFAULT_AT_RISK_THRESHOLD } from "../act/models";
import { userIdsOf } from "../query/load/aggregates";
import { byPerson } from "../query/load/sql";
import { siteDb } from "../sites/site-db";

export async function sendRiskCrossings(env: Bindings, site: Site, now: number, hooks: WebhookRow[]): Promise<number> {
  const threshold = site.settings.atRiskThreshold ?? DEFAULT_AT_RISK_THRESHOLD;
  const db = siteDb(env, site);
  const [ended, { results: above }] = await db.batch([
    db.prepare(`DELETE FROM act_sent WHERE site_id = ?1 AND key LIKE 'risk:%'
      AND substr(key, 6) NOT IN (SELECT person_id FROM churn_scores WHERE site_id = ?1 AND score >= ?2)`).bind(site.id, threshold),
    db.prepare(`SELECT person_id AS personId, score, factors, stage, computed_at AS computedAt FROM churn_scores
      WHERE site_id = ? AND score >= ? ORDER BY score DESC LIMIT 5000`).bind(site.id, threshold),
  ]) as [D1Result, D1Result<{ personId: string; score: number; factors: string; stage: string | null; computedAt: number }>];
  void ended;
  if (above.length === 0) return 0;
  const users = byPerson(await userIdsOf(db, site.id, above.map((a) => a.personId)), (u) => u.userId);
  return emit(env, site, "person.at_risk", above.map((a) => ({
    key: `risk:${a.personId}`,
    idKey: `risk:${a.personId}:${a.computedAt}`,
    data: {
      personId: a.personId, userIds: users.get(a.personId) ?? [], score: a.score, threshold, stage: a.stage,
      factors: JSON.parse(a.factors), scoredAt: new Date(a.computedAt).toISOString(),
    },
  })), now, hooks);
}
