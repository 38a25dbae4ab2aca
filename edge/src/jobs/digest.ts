// The weekly digest (API.md "Act"): on Mondays (UTC), last week's key numbers against the week
// before, the channels whose credited conversions moved most under the site's model, and how many
// people the follow-up rules newly found stalled. Opt-in: only destinations that take `digest`
// get it; it is computed only when one does, and sent once per week.
import type { Bindings, Site } from "../env";
import type { WebhookRow } from "../db/schema";
import { emit } from "../act/emit";
import { changePct, periodBounds } from "../act/alert-rule";
import { summarize } from "../query/journey-stats";
import { channelCredits, journeysIn, metricValue, newStalled } from "./metrics";
import { siteDb } from "../sites/site-db";

const TOP_MOVERS = 3;

/** Channels by the size of their change in credited conversions, largest first. */
export function topMovers(now: Record<string, number>, before: Record<string, number>, top = TOP_MOVERS) {
  const channels = new Set([...Object.keys(now), ...Object.keys(before)]);
  return [...channels].map((channel) => {
    const current = now[channel] ?? 0;
    const previous = before[channel] ?? 0;
    return { channel, conversions: current, previous, change: current - previous, changePct: changePct(current, previous) };
  }).filter((m) => m.change !== 0).sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || (a.channel < b.channel ? -1 : 1)).slice(0, top);
}

export async function sendDigest(env: Bindings, site: Site, now: number, hooks: WebhookRow[]): Promise<number> {
  if (new Date(now).getUTCDay() !== 1) return 0;
  if (!hooks.some((h) => h.status === "active" && h.events.includes("digest"))) return 0;
  const { current, previous } = periodBounds(now, "week");
  const key = `digest:${current.from}`;
  const db = siteDb(env, site);
  if (await db.prepare("SELECT 1 AS y FROM act_sent WHERE site_id = ? AND key = ?").bind(site.id, key).first()) return 0;
  const [thisWeek, lastWeek] = await Promise.all([journeysIn(db, site, current, null), journeysIn(db, site, previous, null)]);
  const a = summarize(thisWeek);
  const b = summarize(lastWeek);
  const revenue = (js: typeof thisWeek) => js.reduce((t, j) => t + (j.conversion?.revenue ?? 0), 0);
  const [events, eventsBefore, stalled, stalledBefore] = await Promise.all([
    metricValue(db, site, "events", null, current), metricValue(db, site, "events", null, previous),
    newStalled(db, site.id, current), newStalled(db, site.id, previous),
  ]);
  const metric = (name: string, value: number | null, before: number | null) => ({ name, value, previous: before, changePct: changePct(value, before) });
  const credits = channelCredits(site, thisWeek);
  return emit(env, site, "digest", [{
    key,
    data: {
      from: new Date(current.from).toISOString(), to: new Date(current.to).toISOString(),
      metrics: [
        metric("events", events, eventsBefore), metric("journeys", a.journeys, b.journeys), metric("conversions", a.conversions, b.conversions),
        metric("conversionRate", a.conversionRate, b.conversionRate), metric("revenue", revenue(thisWeek), revenue(lastWeek)),
      ],
      model: credits.model,
      topMovingChannels: topMovers(credits.conversions, channelCredits(site, lastWeek).conversions),
      newStalled: stalled, newStalledPrevious: stalledBefore,
    },
  }], now, hooks);
}
