// Follow-up rules (API.md "Act"): each saved stalled rule is run as the /stalled list would answer
// it now; every person on it who was not sent yet for that rule and that start is sent once as
// `journey.stalled`, with the /stalled row as data.
import type { Bindings, Site } from "../env";
import type { FollowUpRuleRow, WebhookRow } from "../db/schema";
import { emit } from "../act/emit";
import { DAY_MS } from "../query/journeys";
import { DEFAULT_RANGE_MS } from "../query/params";
import { stalledRows } from "../query/stalled-rows";
import { siteDb } from "../sites/site-db";

const MAX_PER_RUN = 10_000;

export async function runFollowUpRules(env: Bindings, site: Site, now: number, hooks: WebhookRow[]): Promise<number> {
  const db = siteDb(env, site);
  const { results: rules } = await db.prepare(
    `SELECT id, name, started, expected, after, after_ms AS afterMs, stage, channel FROM follow_up_rules WHERE site_id = ? ORDER BY created_at`)
    .bind(site.id).all<FollowUpRuleRow>();
  if (rules.length === 0) return 0;
  let sent = 0;
  for (const rule of rules) {
    // The default /stalled range, reaching back by the wait as well, so a start just judged is in.
    const common = { from: now - rule.afterMs - DEFAULT_RANGE_MS, to: now, filter: rule.channel ? { channel: rule.channel } : {} };
    const journeys = {
      ...common, conversion: site.settings.conversions[0] ?? "purchase", lookbackMs: (site.settings.lookbackDays ?? 30) * DAY_MS,
    };
    const rows = await stalledRows(db, site.id, common,
      { started: rule.started, expected: rule.expected, afterMs: rule.afterMs, limit: MAX_PER_RUN, journeys });
    const matching = rule.stage ? rows.filter((r) => r.stage === rule.stage) : rows;
    const about = { id: rule.id, name: rule.name, started: rule.started, expected: rule.expected, after: rule.after };
    sent += await emit(env, site, "journey.stalled",
      matching.map((r) => ({ key: `rule:${rule.id}:${r.personId}:${r.startedAt}`, data: { ...r, rule: about } })), now, hooks);
  }
  return sent;
}
