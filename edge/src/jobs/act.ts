// A site's Act work, run by the cron and by the maintenance call: follow-up rules, risk crossings,
// conversions, alerts and the weekly digest, then a new try for deliveries the queue lost.
import type { Bindings, Site } from "../env";
import { requeueOverdue, siteWebhooks } from "../act/emit";
import { runFollowUpRules } from "./follow-up-rules";
import { sendRiskCrossings } from "./risk-crossings";
import { sendConversions } from "./conversions";
import { runAlerts } from "./alerts";
import { sendDigest } from "./digest";
import { siteDb } from "../sites/site-db";

export interface ActResult {
  stalledSent: number;
  atRiskSent: number;
  conversionsSent: number;
  alertsSent: number;
  digestsSent: number;
  /** Wall time of each step (the clock moves across I/O in a Worker, so this is D1 time mostly). */
  ms: Record<"rules" | "atRisk" | "conversions" | "alerts" | "digest", number>;
}

const DAY = 86_400_000;
/**
 * Once-only marks are kept 90 days: a rule's mark is only looked up while its start is in the
 * rule's range (the wait plus 30 days), an alert's or digest's while its period is the last one,
 * and conversions follow the cursor. Risk marks stay while the person stays at risk. The delivery
 * log keeps 30 days of finished deliveries.
 */
const MARKS_KEPT_MS = 90 * DAY;
const LOG_KEPT_MS = 30 * DAY;

export async function pruneAct(db: D1Database, siteId: string, now: number) {
  await db.batch([
    db.prepare("DELETE FROM act_sent WHERE site_id = ? AND sent_at < ? AND key NOT LIKE 'risk:%'").bind(siteId, now - MARKS_KEPT_MS),
    db.prepare("DELETE FROM webhook_deliveries WHERE site_id = ? AND status <> 'pending' AND updated_at < ?").bind(siteId, now - LOG_KEPT_MS),
  ]);
}

export async function runSiteAct(env: Bindings, site: Site, now: number): Promise<ActResult> {
  const db = siteDb(env, site);
  const hooks = await siteWebhooks(db, site.id);
  await pruneAct(db, site.id, now);
  const ms = { rules: 0, atRisk: 0, conversions: 0, alerts: 0, digest: 0 };
  const timed = async (step: keyof typeof ms, work: () => Promise<number>) => {
    const t0 = Date.now();
    const n = await work();
    ms[step] = Date.now() - t0;
    return n;
  };
  return {
    stalledSent: await timed("rules", () => runFollowUpRules(env, site, now, hooks)),
    atRiskSent: await timed("atRisk", () => sendRiskCrossings(env, site, now, hooks)),
    conversionsSent: await timed("conversions", () => sendConversions(env, site, now, hooks)),
    alertsSent: await timed("alerts", () => runAlerts(env, site, now, hooks)),
    // After the rules, so the digest counts the people they found this very run.
    digestsSent: await timed("digest", () => sendDigest(env, site, now, hooks)),
    ms,
  };
}

export { requeueOverdue };
