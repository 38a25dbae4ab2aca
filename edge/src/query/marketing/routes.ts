// Marketing value endpoints: /roi, /feedback, /segments/value, /at-risk. Thin handlers over the
// pure core in this folder; mounted under /api/sites/:site behind the read guard.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { invalidField } from "../../errors";
import { ParamError, parseChoice, parseCommon, parseConversion, parseInteger, parseList } from "../params";
import { attribute, MODELS, toAttributionJourneys } from "../attribution/attribute";
import { pathCounts, removalEffects } from "../attribution/markov";
import { DAY_MS, type Journey } from "../journeys";
import { loadJourneys, loadTouchpoints } from "../load/journeys";
import { personOfKeys } from "../load/sql";
import { toCsv } from "../csv";
import { roiRows } from "./roi";
import { FEEDBACK_KINDS, summarizeFeedback } from "./feedback";
import { valueSegments, type PersonValue } from "./value";
import { feedbackEvents, latestBefore, mediaSpend, stageEvents, unitCosts } from "./load";
import { computeChurnScores, DEFAULT_CHURN_EVENTS, type ScoredPerson } from "../../jobs/churn-scores";

export const marketingRoutes = new Hono<AppEnv>();
type C = Context<AppEnv>;
type Query = (name: string) => string | undefined;

const queryOf = (c: C): Query => (name) => c.req.query(name);

marketingRoutes.onError((err, c) => {
  if (err instanceof ParamError) return c.json({ error: invalidField(err.field, err.message) }, 400);
  throw err;
});

function journeysFor(c: C, q: Query) {
  const site = c.get("site");
  const common = parseCommon(q, Date.now());
  const lookbackDays = parseInteger(q, "lookback_days", site.settings.lookbackDays ?? 30, 1, 365);
  const conversion = parseConversion(q, site.settings.conversions);
  return { common, conversion, load: () => loadJourneys(c.env.DB, site.id, { ...common, conversion, lookbackMs: lookbackDays * DAY_MS }) };
}

marketingRoutes.get("/roi", async (c) => {
  const q = queryOf(c);
  const model = parseChoice(q, "model", MODELS, "markov");
  const groupBy = parseChoice(q, "group_by", ["channel", "campaign"] as const, "channel");
  const { common, conversion, load } = journeysFor(c, q);
  const db = c.env.DB;
  const siteId = c.get("site").id;
  const [journeys, media, units] = await Promise.all([load(), mediaSpend(db, siteId, common, groupBy), unitCosts(db, siteId)]);
  const counted = attribute(toAttributionJourneys(journeys, groupBy, "count"));
  const valued = attribute(toAttributionJourneys(journeys, groupBy, "revenue"));
  const rows = roiRows({ journeys, groupBy, conversions: counted.models[model], revenue: valued.models[model], media, unitCosts: units });
  const total = rows.reduce((t, r) => ({ cost: t.cost + r.cost, revenue: t.revenue + r.revenue }), { cost: 0, revenue: 0 });
  return c.json({ conversion, model, groupBy, conversions: counted.total, revenue: valued.total, cost: total.cost,
    roas: total.cost > 0 ? total.revenue / total.cost : null, rows });
});

marketingRoutes.get("/feedback", async (c) => {
  const q = queryOf(c);
  const kind = parseChoice(q, "kind", FEEDBACK_KINDS, "nps");
  const common = parseCommon(q, Date.now());
  const db = c.env.DB;
  const siteId = c.get("site").id;
  const people = await personOfKeys(db, siteId);
  // Touchpoints and stages from before the range count too: they precede answers inside it.
  const wide = { from: common.from - 30 * DAY_MS, to: common.to };
  const [events, touches, stages] = await Promise.all([
    feedbackEvents(db, siteId, common, people), loadTouchpoints(db, siteId, wide, people), stageEvents(db, siteId, wide, people),
  ]);
  const items = events.filter((e) => e.kind === kind && (!common.filter.channel || e.channel === common.filter.channel)).map((e) => {
    const own = touches.get(e.personId) ?? [];
    return {
      ...e,
      stage: latestBefore(stages.get(e.personId), e.ts)?.stage ?? null,
      step: own.filter((t) => t.ts <= e.ts && t.ts > e.ts - 30 * DAY_MS).length,
      preceding: own.filter((t) => t.ts <= e.ts && t.ts > e.ts - 7 * DAY_MS).map((t) => t.channel),
    };
  });
  return c.json(summarizeFeedback(kind, items, parseInteger(q, "comments", 50, 0, 500)));
});

marketingRoutes.get("/segments/value", async (c) => {
  const q = queryOf(c);
  const by = parseChoice(q, "by", ["revenue", "orders"] as const, "revenue");
  const top = Number(q("top") ?? 0.1);
  if (!(top > 0 && top <= 1)) throw new ParamError("top", "top must be a share between 0 and 1, e.g. 0.1 for the top decile");
  const minRaw = q("min");
  const min = minRaw === undefined ? undefined : Number(minRaw);
  if (min !== undefined && !Number.isFinite(min)) throw new ParamError("min", "min must be a number");
  const { common, load } = journeysFor(c, q);
  const [journeys, stages] = await Promise.all([load(), personOfKeys(c.env.DB, c.get("site").id).then((p) => stageEvents(c.env.DB, c.get("site").id, common, p))]);
  const people = new Map<string, PersonValue>();
  for (const j of journeys) {
    const p = people.get(j.personId) ?? { personId: j.personId, revenue: 0, orders: 0, channels: [], stage: null };
    p.channels.push(...j.touchpoints.map((t) => t.channel));
    if (j.conversion) {
      p.orders++;
      p.revenue += j.conversion.revenue ?? 0;
    }
    p.stage = stages.get(j.personId)?.at(-1)?.stage ?? null;
    people.set(j.personId, p);
  }
  return c.json(valueSegments([...people.values()], { by, top, min }));
});

/** For each stage, the channel whose removal would cost its people's journeys the most conversions. */
function nextBestByStage(journeys: Journey[], stageOf: (personId: string) => string | null): Map<string | null, string | null> {
  const byStage = new Map<string | null, Journey[]>();
  for (const j of journeys) {
    const s = stageOf(j.personId);
    byStage.set(s, [...(byStage.get(s) ?? []), j]);
  }
  const best = (js: Journey[]) => {
    const { effects } = removalEffects(pathCounts(toAttributionJourneys(js, "channel", "count")));
    const top = Object.entries(effects).sort((a, b) => b[1] - a[1])[0];
    return top && top[1] > 0 ? top[0] : null;
  };
  const overall = best(journeys);
  return new Map([...byStage].map(([s, js]) => [s, best(js) ?? overall]));
}

marketingRoutes.get("/at-risk", async (c) => {
  const q = queryOf(c);
  const limit = parseInteger(q, "limit", 100, 1, 10_000);
  const format = parseChoice(q, "format", ["json", "csv"] as const, "json");
  const events = q("event") ? parseList(q, "event", 10) : DEFAULT_CHURN_EVENTS;
  const site = c.get("site");
  const db = c.env.DB;
  // The cron keeps the ranking; a site it has not reached yet is scored now.
  const stored = await db.prepare("SELECT person_id, score, factors, stage, computed_at FROM churn_scores WHERE site_id = ? ORDER BY score DESC LIMIT ?")
    .bind(site.id, limit).raw<[string, number, string, string | null, number]>();
  let people: ScoredPerson[];
  let computedAt: number;
  if (stored.length && !q("event")) {
    people = stored.map(([personId, score, factors, stage]) => ({ personId, score, factors: JSON.parse(factors), stage }));
    computedAt = stored[0][4];
  } else {
    computedAt = Date.now();
    people = (await computeChurnScores(db, site, computedAt, events)).scored.slice(0, limit);
  }
  const { common, load } = journeysFor(c, q);
  const [journeys, stages] = await Promise.all([load(), personOfKeys(db, site.id).then((p) => stageEvents(db, site.id, { from: 0, to: common.to }, p))]);
  const nextBest = nextBestByStage(journeys, (id) => stages.get(id)?.at(-1)?.stage ?? null);
  const rows = people.map((p) => ({ ...p, nextBestTouchpoint: nextBest.get(p.stage) ?? nextBest.get(null) ?? null }));
  if (format === "json") return c.json({ computedAt: new Date(computedAt).toISOString(), churnEvents: events, people: rows });
  const csv = toCsv(["personId", "score", "stage", "nextBestTouchpoint", "factors"],
    rows.map((r) => [r.personId, Number(r.score.toFixed(4)), r.stage, r.nextBestTouchpoint, r.factors.map((f) => `${f.feature} ${f.weight >= 0 ? "+" : ""}${f.weight.toFixed(2)}`).join("; ")]));
  return c.body(csv, 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="at-risk.csv"' });
});
