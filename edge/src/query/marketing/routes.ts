// Marketing value endpoints: /roi, /feedback, /segments/value, /at-risk. Thin handlers over the
// pure core in this folder; mounted under /api/sites/:site behind the read guard.
import type { Site } from "../../env";
import { journeyQuery, queryOf, readRoutes, type C, type Query } from "../handler";
import { ParamError, parseChoice, parseCommon, parseDuration, parseInteger, parseList, parseName, type Common } from "../params";
import { attribute, MODELS, toAttributionJourneys } from "../attribution/attribute";
import { DAY_MS, personMatches } from "../journeys";
import { loadJourneys, loadTouchpoints } from "../load/journeys";
import { namedEvents } from "../load/aggregates";
import { personOfKeys } from "../load/sql";
import { stalledPeople } from "../stalled";
import { toCsv } from "../csv";
import type { AtRiskBody, AtRiskPerson, FeedbackBody, RoiBody, ScoredPerson, ValueSegmentsBody } from "../api";
import { roiRows } from "./roi";
import { FEEDBACK_KINDS, placeAnswers, summarizeFeedback } from "./feedback";
import { valueSegments, type PersonValue } from "./value";
import { feedbackEvents, mediaSpend, stageEvents, unitCosts } from "./load";
import { nextBestTouchpoints, suggestionFor } from "./next-best";
import { computeChurnScores, DEFAULT_CHURN_EVENTS } from "./churn-scores";
import { siteDb } from "../../sites/site-db";

export const marketingRoutes = readRoutes();

function journeysFor(c: C, q: Query) {
  const common = parseCommon(q, Date.now());
  const jq = journeyQuery(c, q, common);
  return { common, conversion: jq.conversion, load: () => loadJourneys(siteDb(c.env, c.get("site")), c.get("site").id, jq) };
}

marketingRoutes.get("/roi", async (c) => {
  const q = queryOf(c);
  const model = parseChoice(q, "model", MODELS, "markov");
  const groupBy = parseChoice(q, "group_by", ["channel", "campaign"] as const, "channel");
  const { common, conversion, load } = journeysFor(c, q);
  const db = siteDb(c.env, c.get("site"));
  const siteId = c.get("site").id;
  const [journeys, media, units] = await Promise.all([load(), mediaSpend(db, siteId, common, groupBy, common.filter), unitCosts(db, siteId)]);
  const counted = attribute(toAttributionJourneys(journeys, groupBy, "count"));
  const valued = attribute(toAttributionJourneys(journeys, groupBy, "revenue"));
  const rows = roiRows({ journeys, groupBy, conversions: counted.models[model], revenue: valued.models[model], media, unitCosts: units });
  const total = rows.reduce((t, r) => ({ cost: t.cost + r.cost, revenue: t.revenue + r.revenue }), { cost: 0, revenue: 0 });
  return c.json({ conversion, model, groupBy, conversions: counted.total, revenue: valued.total, cost: total.cost,
    roas: total.cost > 0 ? total.revenue / total.cost : null, rows } satisfies RoiBody);
});

marketingRoutes.get("/feedback", async (c) => {
  const q = queryOf(c);
  const kind = parseChoice(q, "kind", FEEDBACK_KINDS, "nps");
  const common = parseCommon(q, Date.now());
  const db = siteDb(c.env, c.get("site"));
  const siteId = c.get("site").id;
  const people = await personOfKeys(db, siteId);
  // Touchpoints and stages from before the range count too: they precede answers inside it.
  const wide = { from: common.from - 30 * DAY_MS, to: common.to };
  const [events, touches, stages] = await Promise.all([
    feedbackEvents(db, siteId, common, people, common.filter), loadTouchpoints(db, siteId, wide), stageEvents(db, siteId, wide),
  ]);
  const answers = events.filter((e) => e.kind === kind && (!common.filter.channel || e.channel === common.filter.channel));
  const items = placeAnswers(answers, touches, stages);
  return c.json(summarizeFeedback(kind, items, parseInteger(q, "comments", 50, 0, 500)) satisfies FeedbackBody);
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
  const [journeys, stages] = await Promise.all([load(), stageEvents(siteDb(c.env, c.get("site")), c.get("site").id, common)]);
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
  return c.json(valueSegments([...people.values()], { by, top, min }) satisfies ValueSegmentsBody);
});

/**
 * Scores as the cron stored them, best first; computed now when the cron has not reached the site
 * yet or other churn events are asked for. `only` narrows them to some people (the stalled).
 */
async function churnScoresOf(db: D1Database, site: Site, events: string[] | null, only: string[] | null, limit: number) {
  if (events === null) {
    const stored = await db.prepare(
      `SELECT person_id, score, factors, stage, computed_at FROM churn_scores WHERE site_id = ?1
       ${only ? "AND person_id IN (SELECT value FROM json_each(?3))" : ""} ORDER BY score DESC, person_id LIMIT ?2`)
      .bind(site.id, limit, ...(only ? [JSON.stringify(only)] : [])).raw<[string, number, string, string | null, number]>();
    if (stored.length) {
      return { computedAt: stored[0][4], people: stored.map(([personId, score, factors, stage]): ScoredPerson => ({ personId, score, factors: JSON.parse(factors), stage })) };
    }
  }
  const computedAt = Date.now();
  const { scored } = await computeChurnScores(db, site, computedAt, events ?? DEFAULT_CHURN_EVENTS);
  const wanted = only && new Set(only);
  return { computedAt, people: (wanted ? scored.filter((p) => wanted.has(p.personId)) : scored).slice(0, limit) };
}

/** People who did `started` and not `expected` within `after`, as the /stalled list finds them. */
async function stalledOf(db: D1Database, siteId: string, q: Query, common: Common) {
  const started = parseName(q, "started");
  const expected = parseName(q, "expected");
  const after = parseDuration(q, "after", "3d");
  const events = await namedEvents(db, siteId, common, common.filter, [started, expected], { withChannel: false });
  return new Map(stalledPeople(events, started, expected, after.ms, common.to).map((s) => [s.personId, s.startedAt]));
}

marketingRoutes.get("/at-risk", async (c) => {
  const q = queryOf(c);
  const limit = parseInteger(q, "limit", 100, 1, 10_000);
  const format = parseChoice(q, "format", ["json", "csv"] as const, "json");
  const events = q("event") ? parseList(q, "event", 10) : null;
  const site = c.get("site");
  const db = siteDb(c.env, c.get("site"));
  const { common, load } = journeysFor(c, q);
  const stalled = q("started") === undefined ? null : await stalledOf(db, site.id, q, common);
  // Stages from the start: the stage a touchpoint found a person at may have been set long before.
  const [scores, journeys, stages] = await Promise.all([
    churnScoresOf(db, site, events, stalled && [...stalled.keys()], limit), load(), stageEvents(db, site.id, { from: 0, to: common.to }),
  ]);
  const best = nextBestTouchpoints(journeys, stages);
  const rows = scores.people.filter((p) => personMatches(p.personId, common.filter)).map((p): AtRiskPerson => ({
    ...p,
    nextBestTouchpoint: suggestionFor(best, p.stage),
    ...(stalled && { stalledSince: new Date(stalled.get(p.personId)!).toISOString() }),
  }));
  if (format === "json") return c.json({ computedAt: new Date(scores.computedAt).toISOString(), churnEvents: events ?? DEFAULT_CHURN_EVENTS, people: rows } satisfies AtRiskBody);
  const csv = toCsv(["personId", "score", "stage", "nextBestTouchpoint", "factors", ...(stalled ? ["stalledSince"] : [])],
    rows.map((r) => [r.personId, Number(r.score.toFixed(4)), r.stage, r.nextBestTouchpoint,
      r.factors.map((f) => `${f.feature} ${f.weight >= 0 ? "+" : ""}${f.weight.toFixed(2)}`).join("; "), ...(r.stalledSince ? [r.stalledSince] : [])]));
  return c.body(csv, 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="at-risk.csv"' });
});
