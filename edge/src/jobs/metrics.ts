// The numbers alerts and the weekly digest judge, for one site and one period, each read the way
// the read API answers it (journeys, ROI, vitals), so an alert agrees with the dashboard.
import type { Site } from "../env";
import type { AlertMetric } from "../act/input";
import type { Bounds } from "../act/alert-rule";
import { DEFAULT_WEBHOOK_MODEL } from "../act/models";
import { attribute, toAttributionJourneys } from "../query/attribution/attribute";
import { DAY_MS, type Journey } from "../query/journeys";
import { summarize } from "../query/journey-stats";
import { loadJourneys } from "../query/load/journeys";
import { vitalSamples } from "../query/load/aggregates";
import { mediaSpend, unitCosts } from "../query/marketing/load";
import { roiRows } from "../query/marketing/roi";
import { percentile } from "../query/percentile";

/** Loaders take inclusive ranges; periods end before `to`. */
const inclusive = (b: Bounds) => ({ from: b.from, to: b.to - 1 });

export const journeysIn = (db: D1Database, site: Site, b: Bounds, channel: string | null): Promise<Journey[]> =>
  loadJourneys(db, site.id, {
    ...inclusive(b), filter: channel ? { channel } : {}, conversion: site.settings.conversions[0] ?? "purchase",
    lookbackMs: (site.settings.lookbackDays ?? 30) * DAY_MS,
  });

/** Credits per channel under the site's webhook model (conversions counted, and revenue). */
export function channelCredits(site: Site, journeys: Journey[]) {
  const model = (site.settings.attributionModel ?? DEFAULT_WEBHOOK_MODEL) as keyof ReturnType<typeof attribute>["models"];
  return {
    model,
    conversions: attribute(toAttributionJourneys(journeys, "channel", "count")).models[model],
    revenue: attribute(toAttributionJourneys(journeys, "channel", "revenue")).models[model],
  };
}

/** People newly sent by the site's follow-up rules in the period. */
export async function newStalled(db: D1Database, siteId: string, b: Bounds): Promise<number> {
  const row = await db.prepare("SELECT count(*) AS n FROM act_sent WHERE site_id = ? AND key LIKE 'rule:%' AND sent_at >= ? AND sent_at < ?")
    .bind(siteId, b.from, b.to).first<{ n: number }>();
  return row?.n ?? 0;
}

const VITAL = { lcp_p75: "LCP", inp_p75: "INP", cls_p75: "CLS" } as const;

export async function metricValue(db: D1Database, site: Site, metric: AlertMetric, channel: string | null, b: Bounds): Promise<number | null> {
  switch (metric) {
    case "conversions":
    case "conversion_rate": {
      const s = summarize(await journeysIn(db, site, b, channel));
      return metric === "conversions" ? s.conversions : s.conversionRate;
    }
    case "cpa":
    case "roas": {
      const journeys = await journeysIn(db, site, b, null);
      const credits = channelCredits(site, journeys);
      const [media, units] = await Promise.all([mediaSpend(db, site.id, inclusive(b), "channel"), unitCosts(db, site.id)]);
      const row = roiRows({ journeys, groupBy: "channel", conversions: credits.conversions, revenue: credits.revenue, media, unitCosts: units })
        .find((r) => r.group === channel);
      return row ? (metric === "cpa" ? row.cpa : row.roas) : null;
    }
    case "stalled":
      return newStalled(db, site.id, b);
    case "events": {
      const row = await db.prepare("SELECT count(*) AS n FROM events WHERE site_id = ? AND ts >= ? AND ts < ?").bind(site.id, b.from, b.to).first<{ n: number }>();
      return row?.n ?? 0;
    }
    default: {
      const name = VITAL[metric];
      const samples = await vitalSamples(db, site.id, inclusive(b), channel ? { channel } : {});
      return percentile(samples.flatMap((s) => (s.name === name && typeof s.value === "number" && Number.isFinite(s.value) ? [s.value] : [])), 0.75);
    }
  }
}
