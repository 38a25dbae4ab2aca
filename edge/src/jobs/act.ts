// A site's Act work, run by the cron and by the maintenance call: follow-up rules, risk crossings,
// conversions, alerts and the weekly digest, then a new try for deliveries the queue lost.
import type { Bindings, Site } from "../env";
import { requeueOverdue, siteWebhooks } from "../act/emit";
import { runFollowUpRules } from "./follow-up-rules";
import { sendRiskCrossings } from "./risk-crossings";
import { sendConversions } from "./conversions";
import { runAlerts } from "./alerts";
import { sendDigest } from "./digest";

export interface ActResult {
  stalledSent: number;
  atRiskSent: number;
  conversionsSent: number;
  alertsSent: number;
  digestsSent: number;
}

export async function runSiteAct(env: Bindings, site: Site, now: number): Promise<ActResult> {
  const hooks = await siteWebhooks(env.DB, site.id);
  return {
    stalledSent: await runFollowUpRules(env, site, now, hooks),
    atRiskSent: await sendRiskCrossings(env, site, now, hooks),
    conversionsSent: await sendConversions(env, site, now, hooks),
    alertsSent: await runAlerts(env, site, now, hooks),
    // After the rules, so the digest counts the people they found this very run.
    digestsSent: await sendDigest(env, site, now, hooks),
  };
}

export { requeueOverdue };
