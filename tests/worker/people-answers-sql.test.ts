// Retention and churn counted by the database (query/load/retention.ts, churn.ts), and vitals read
// through their index (migration 0019), against the paths they replaced, kept here as the oracle:
// people in JS from the rows the old loaders read, samples from a JSON parse of each event's row. Random events (late, redelivered, merging identities)
// go through the real pipeline into the real D1; every question must get the same answer, over
// ranges that cut days and weeks, with filters and segments.
import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { storePayloads } from "../../edge/src/pipeline/consumer";
import type { EnrichedEvent } from "../../edge/src/pipeline/payload";
import type { PeopleSet, TouchFilter } from "../../edge/src/core/journeys";
import { cohortActivity } from "../../edge/src/query/load/counts";
import { firstTimes, vitalSamples } from "../../edge/src/query/load/aggregates";
import { retentionCohorts } from "../../edge/src/query/load/retention";
import { churnAnswer } from "../../edge/src/query/load/churn";
import { cohorts } from "../../edge/src/query/cohorts";
import { churnLift, churnSets } from "../../edge/src/query/churn";
import { isVitalName, summarizeMetric, vitalsByPage, type VitalSample } from "../../edge/src/query/vitals";
import { VITAL_THRESHOLDS } from "../../edge/src/query/api";
import type { Range } from "../../edge/src/query/params";
import { BASE, DAY, deliveries, enriched, spec } from "./oracle/journey-events";
import { createSite } from "./helpers";
import { filterClause } from "../../edge/src/query/load/sql";

// ---- the oracle: the old paths, as the handlers had them ----

async function oldRetention(siteId: string, range: Range, filter: TouchFilter, interval: "day" | "week" | "month") {
  const { firstSeen, activeBuckets } = await cohortActivity(env.DB, siteId, range, filter, interval);
  const people = firstSeen.map((p) => ({ firstSeen: p.firstSeen, activeBuckets: new Set(activeBuckets.get(p.personId)) }));
  return cohorts(people, interval, range.from, range.to);
}

async function oldChurn(siteId: string, range: Range, filter: TouchFilter, event: string) {
  const { churned, base } = churnSets(await firstTimes(env.DB, siteId, range, filter), event);
  return { event, churned: churned.length, people: base.length, touchpoints: churnLift(churned, base) };
}

/** The samples as /vitals read them before events_vitals: each event's row, its properties parsed. */
async function oldVitals(siteId: string, range: Range, filter: TouchFilter) {
  const f = filterClause("e", filter);
  const { results } = await env.DB.prepare(
    `SELECT COALESCE(e.properties ->> '$.path', e.path) AS path, e.properties ->> '$.name' AS name, e.properties ->> '$.value' AS value
     FROM events e NOT INDEXED WHERE e.site_id = ? AND e.event = 'web_vital' AND e.ts BETWEEN ? AND ?${f.sql} ORDER BY e.ts, e.id`)
    .bind(siteId, range.from, range.to, ...f.params).all<{ path: string | null; name: string | null; value: number | null }>();
  return oldVitalsByPage(samplesOf(results));
}

async function newVitals(siteId: string, range: Range, filter: TouchFilter) {
  return vitalsByPage(samplesOf(await vitalSamples(env.DB, siteId, range, filter)));
}

const samplesOf = (rows: { path: string | null; name: string | null; value: number | null }[]): VitalSample[] =>
  rows.flatMap(({ path, name, value }) => (path !== null && isVitalName(name) && typeof value === "number" && Number.isFinite(value) ? [{ path, name, value }] : []));

/** vitalsByPage as it was, copying a metric's values at each sample. */
function oldVitalsByPage(samples: VitalSample[]) {
  const pages = new Map<string, Map<VitalSample["name"], number[]>>();
  for (const s of samples) {
    const metrics = pages.get(s.path) ?? new Map<VitalSample["name"], number[]>();
    metrics.set(s.name, [...(metrics.get(s.name) ?? []), s.value]);
    pages.set(s.path, metrics);
  }
  return [...pages]
    .map(([path, metrics]) => ({
      path,
      samples: [...metrics.values()].reduce((n, v) => n + v.length, 0),
      metrics: Object.fromEntries([...metrics].map(([name, values]) => [name, summarizeMetric(name, values)])),
    }))
    .sort((a, b) => b.samples - a.samples || (a.path < b.path ? -1 : 1));
}

// ---- random data ----

const CHURN = ["unsubscribe", "view_product", "purchase"];
/** Ranges that start and end inside days and weeks, and one over everything. */
const range = fc.record({ from: fc.integer({ min: 0, max: 30 * 24 }), hours: fc.integer({ min: 1, max: 45 * 24 }) })
  .map(({ from, hours }) => ({ from: BASE + from * 3_600_000 + 17, to: BASE + (from + hours) * 3_600_000 - 5 }));

/** Some of the site's people, as a segment hands them over (their ids and every identity of theirs). */
async function someone(siteId: string, pick: number): Promise<PeopleSet> {
  const { results } = await env.DB.prepare("SELECT ident_key, person_id FROM identities WHERE site_id = ? ORDER BY ident_key").bind(siteId).all<{ ident_key: string; person_id: string }>();
  const all = [...new Set(results.map((r) => r.person_id))].sort();
  const ids = new Set(all.filter((_, i) => (i + pick) % 3 === 0));
  return { ids, keys: results.filter((r) => ids.has(r.person_id)).map((r) => r.ident_key) };
}

/** The spec's events, some of them unsubscribes, and web vitals beside them. */
const vital = fc.record({
  name: fc.constantFrom("LCP", "INP", "CLS", "FCP", "TTFB", "FID", "toString"),
  value: fc.oneof(
    fc.constantFrom(...Object.values(VITAL_THRESHOLDS).flat(), 0, 1000, 1000, 0.05, 2500.5),
    fc.double({ min: 0, max: 6000, noNaN: true }),
    fc.constantFrom("1200", true, null),
  ),
  path: fc.option(fc.constantFrom("/", "/cart", "/a?b"), { freq: 5 }),
  column: fc.constantFrom("/", "/x"),
});

function vitalEvent(v: { name: string; value: unknown; path: string | null; column: string }, base: EnrichedEvent): EnrichedEvent {
  return { ...base, type: "track", event: "web_vital", stage: null, isConversion: false, revenue: null, path: v.column,
    properties: { name: v.name, value: v.value, ...(v.path === null ? {} : { path: v.path }) } };
}

describe("retention and churn counted in SQL, vitals read through their index", () => {
  it("answer as the old paths do, for random events, ranges, filters and segments", async () => {
    const site = await createSite();
    let run = 0;
    const seen = { cohorts: 0, churned: 0, pages: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(spec, { minLength: 5, maxLength: 50 }), fc.array(fc.nat(), { maxLength: 4 }), fc.array(fc.nat(), { maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 2 }), fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 12 }), fc.array(vital, { maxLength: 20 }),
        fc.array(range, { minLength: 1, maxLength: 2 }), fc.nat(), fc.constantFrom("day", "week", "month" as const), fc.constantFrom(...CHURN),
        async (specs, cuts, order, again, churns, vitals, ranges, pick, interval, event) => {
          run++;
          const events = specs.map((s, i) => enriched(s, i, run + 7000));
          // Some events become the churn event (its time and person kept).
          for (const [i, on] of churns) if (events.length && on) Object.assign(events[i % events.length], { type: "track", event: "unsubscribe", stage: null, isConversion: false, revenue: null });
          events.push(...vitals.map((v, i) => vitalEvent(v, { ...events[i % events.length], messageId: `v${run}-${i}`, ts: events[i % events.length].ts + 1 + i })));
          await storePayloads(env, deliveries(events, site.id, cuts, order, again));
          const people = await someone(site.id, pick);
          for (const r of [...ranges, { from: BASE - DAY, to: BASE + 50 * DAY }]) {
            for (const filter of [{}, { channel: "email" }, { country: "FR" }, { people }] as TouchFilter[]) {
              const cohortsWanted = await oldRetention(site.id, r, filter, interval);
              expect(JSON.stringify(await retentionCohorts(env.DB, site.id, r, filter, interval))).toBe(JSON.stringify(cohortsWanted));
              seen.cohorts += cohortsWanted.length;
              const churnWanted = await oldChurn(site.id, r, filter, event);
              expect(JSON.stringify(await churnAnswer(env.DB, site.id, r, filter, event))).toBe(JSON.stringify(churnWanted));
              seen.churned += churnWanted.churned;
              const vitalsWanted = await oldVitals(site.id, r, filter);
              // The same JSON to the byte: a page's metrics come in the order of their first samples.
              expect(JSON.stringify(await newVitals(site.id, r, filter))).toBe(JSON.stringify(vitalsWanted));
              seen.pages += vitalsWanted.length;
            }
          }
        },
      ),
      { numRuns: 20 },
    );
    // The property saw cohorts, churners and measured pages, not only empty answers.
    expect(seen.cohorts).toBeGreaterThan(0);
    expect(seen.churned).toBeGreaterThan(0);
    expect(seen.pages).toBeGreaterThan(0);
  }, 300_000);
});
