// Alerts (API.md "Act"): each rule judged on its last complete period by the cron; when it breaks,
// one `alert` delivery keyed by rule and period start, so it is sent once per rule and period.
import type { Bindings, Site } from "../env";
import type { AlertRuleRow, WebhookRow } from "../db/schema";
import { emit, type Item } from "../act/emit";
import { changePct, judgeAlert, periodBounds } from "../act/alert-rule";
import type { AlertMetric, Period } from "../act/input";
import { metricValue } from "./metrics";
import { siteDb } from "../sites/site-db";

export async function runAlerts(env: Bindings, site: Site, now: number, hooks: WebhookRow[]): Promise<number> {
  const db = siteDb(env, site);
  const { results: rules } = await db.prepare(
    `SELECT id, name, metric, channel, period, above, below, change_pct AS changePct FROM alert_rules WHERE site_id = ? ORDER BY created_at`)
    .bind(site.id).all<AlertRuleRow>();
  const items: Item[] = [];
  for (const rule of rules) {
    const { current, previous } = periodBounds(now, rule.period as Period);
    const key = `alert:${rule.id}:${current.from}`;
    const done = await db.prepare("SELECT 1 AS y FROM act_sent WHERE site_id = ? AND key = ?").bind(site.id, key).first();
    if (done) continue;
    const metric = rule.metric as AlertMetric;
    const value = await metricValue(db, site, metric, rule.channel, current);
    const before = await metricValue(db, site, metric, rule.channel, previous);
    const reason = judgeAlert(rule, value, before);
    if (reason === null) continue;
    items.push({
      key,
      data: {
        rule: { id: rule.id, name: rule.name, above: rule.above, below: rule.below, changePct: rule.changePct },
        metric, channel: rule.channel, period: rule.period, from: new Date(current.from).toISOString(), to: new Date(current.to).toISOString(),
        value, previous: before, changePct: changePct(value, before), reason,
      },
    });
  }
  return emit(env, site, "alert", items, now, hooks);
}
