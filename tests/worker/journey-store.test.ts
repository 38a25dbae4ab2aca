// The journey store against the scan it replaced: random events (late, redelivered, merging
// identities) stored through the real pipeline into the real D1; every journey question asked of
// the state must equal the scan of the raw tables, and stay the same after raw events age out.
import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Journey } from "../../edge/src/core/journeys";
import type { EnrichedEvent, QueuePayload } from "../../edge/src/pipeline/payload";
import { storePayloads } from "../../edge/src/pipeline/consumer";
import { loadJourneys, type JourneyQuery } from "../../edge/src/query/load/journeys";
import { namedEvents } from "../../edge/src/query/load/aggregates";
import { ageRawEvents } from "../../edge/src/jobs/age-raw";
import { siteById } from "../../edge/src/sites/catalog";
import { scanJourneys, scanNamedEvents } from "./oracle/scan-journeys";
import { createSite } from "./helpers";
import * as counts from "../../edge/src/query/load/counts";

const DAY = 86_400_000;
const BASE = Date.UTC(2026, 0, 1);
const CHANNELS = ["web", "email", "phone", "paid_search", "direct"];
const NAMES = [null, "view_product", "add_to_cart", "quote_requested", "purchase"];

interface Spec { anon: number; user: number | null; name: number; minute: number; channel: number; explicit: boolean; campaign: number | null }

const spec: fc.Arbitrary<Spec> = fc.record({
  anon: fc.integer({ min: 0, max: 7 }),
  user: fc.option(fc.integer({ min: 0, max: 3 }), { freq: 3 }),
  name: fc.integer({ min: 0, max: NAMES.length - 1 }),
  minute: fc.integer({ min: 0, max: 40 * 24 * 60 }),
  channel: fc.integer({ min: 0, max: CHANNELS.length - 1 }),
  explicit: fc.boolean(),
  campaign: fc.option(fc.integer({ min: 0, max: 2 }), { freq: 4 }),
});

let seq = 0;
function enriched(s: Spec, i: number, run: number): EnrichedEvent {
  const name = NAMES[s.name];
  return {
    messageId: `m${run}-${i}`, type: name === null ? "page" : "track", event: name,
    userId: s.user === null ? null : `u${run}-${s.user}`, anonymousId: `a${run}-${s.anon}`, previousId: null,
    // Distinct times (a minute grid plus the index): the scan orders ties by row id, the state by arrival.
    ts: BASE + s.minute * 60_000 + i, receivedAt: BASE + 41 * DAY, channel: CHANNELS[s.channel], channelExplicit: s.explicit,
    source: s.campaign === null ? null : "news", medium: s.campaign === null ? null : "email", campaign: s.campaign === null ? null : `c${s.campaign}`,
    campaignKey: s.campaign === null ? null : `news|email|c${s.campaign}`,
    stage: name === "quote_requested" ? "consideration" : name === "purchase" ? "decision" : null,
    isConversion: name === "purchase", revenue: name === "purchase" ? 10 + (i % 7) : null, path: "/", country: i % 2 ? "FR" : "DE",
    region: null, device: "desktop", browser: null, os: null, properties: null, context: null,
  };
}

/** Batches in a shuffled order, some delivered twice: late arrivals and redeliveries. */
function deliveries(events: EnrichedEvent[], siteId: string, cuts: number[], order: number[], again: number[]): QueuePayload[] {
  const parts: EnrichedEvent[][] = [];
  let at = 0;
  for (const c of [...cuts.map((x) => x % Math.max(1, events.length)).sort((a, b) => a - b), events.length]) {
    if (c > at) parts.push(events.slice(at, c));
    at = Math.max(at, c);
  }
  // The parts `order` names first (a later part before an earlier one), then the rest.
  const sequence = [...new Set([...order.map((o) => parts[o % parts.length]), ...parts])];
  for (const a of again) if (sequence.length) sequence.push(sequence[a % sequence.length]);
  return sequence.map((events, part) => ({ siteId, archiveKey: `t/${++seq}`, part, parts: 1, events, filtered: [] }));
}

const norm = (js: Journey[]) =>
  js.map((j) => ({ ...j, touchpoints: [...j.touchpoints].sort((a, b) => a.ts - b.ts) }))
    .sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : a.endTs - b.endTs));

const QUERIES: (Omit<JourneyQuery, "filter"> & { filter?: JourneyQuery["filter"] })[] = [
  { from: BASE + 10 * DAY, to: BASE + 41 * DAY, conversion: "purchase", lookbackMs: 30 * DAY }, // the journeys table
  { from: BASE + 10 * DAY, to: BASE + 41 * DAY, conversion: "purchase", lookbackMs: 7 * DAY }, // states
  { from: BASE + 5 * DAY, to: BASE + 20 * DAY, conversion: "purchase", lookbackMs: 30 * DAY }, // as it stood at `to`
  { from: BASE, to: BASE + 41 * DAY, conversion: "purchase", lookbackMs: 30 * DAY, filter: { channel: "email" } },
  { from: BASE, to: BASE + 41 * DAY, conversion: "quote_requested", lookbackMs: 14 * DAY },
];

async function answers(siteId: string) {
  const out: unknown[] = [];
  for (const q of QUERIES) out.push(norm(await loadJourneys(env.DB, siteId, { filter: {}, ...q })));
  const range = { from: BASE + 3 * DAY, to: BASE + 33 * DAY };
  out.push(Object.fromEntries(await namedEvents(env.DB, siteId, range, { country: "FR" }, ["purchase", "quote_requested"], { withChannel: true })));
  out.push(Object.fromEntries(await namedEvents(env.DB, siteId, range, {}, null, { withChannel: false })));
  return out;
}

/** Every count the read API makes, over a range that reaches back past the horizon and one after it. */
async function countsOf(siteId: string) {
  const out: unknown[] = [];
  for (const range of [{ from: BASE, to: BASE + 41 * DAY }, { from: BASE + 12 * DAY + 5, to: BASE + 22 * DAY - 7 }]) {
    for (const filter of [{}, { channel: "email" }, { country: "FR" }]) {
      out.push(
        await counts.countEventsAndPeople(env.DB, siteId, range, filter),
        await counts.countSessions(env.DB, siteId, range, filter),
        await counts.countTouchpoints(env.DB, siteId, range, filter),
        sortRows(await counts.eventSeries(env.DB, siteId, range, filter, "day", "purchase")),
        sortRows(await counts.sessionSeries(env.DB, siteId, range, filter, "week")),
        await counts.channelCounts(env.DB, siteId, range, filter, "purchase"),
        await counts.eventNames(env.DB, siteId, range, filter),
        [...(await counts.cohortActivity(env.DB, siteId, range, filter, "week")).activeBuckets.values()].map((b) => b.sort().join()).sort(),
      );
    }
  }
  return out;
}

const sortRows = <T extends { bucket: number }>(rows: T[]) => rows.sort((a, b) => a.bucket - b.bucket);

async function oracle(siteId: string) {
  const out: unknown[] = [];
  for (const q of QUERIES) out.push(norm(await scanJourneys(env.DB, siteId, { filter: {}, ...q })));
  const range = { from: BASE + 3 * DAY, to: BASE + 33 * DAY };
  out.push(Object.fromEntries(await scanNamedEvents(env.DB, siteId, range, { country: "FR" }, ["purchase", "quote_requested"], true)));
  out.push(Object.fromEntries(await scanNamedEvents(env.DB, siteId, range, {}, null, false)));
  return out;
}

const setHorizon = (siteId: string, at: number) =>
  env.DB.prepare("UPDATE journey_meta SET aged_before = ? WHERE site_id = ?").bind(at, siteId).run();

const orphanStates = async (siteId: string) => (await env.DB.prepare(
  `SELECT count(*) AS n FROM person_state ps WHERE ps.site_id = ?1
   AND NOT EXISTS (SELECT 1 FROM identities i WHERE i.site_id = ?1 AND i.person_id = ps.person_id)`).bind(siteId).first<{ n: number }>())!.n;

describe("journey store", () => {
  it("folds a person merged away into the one that stays, across batches", async () => {
    const site = await createSite();
    const at = (day: number, s: Partial<Spec>, i: number) => enriched({ anon: 0, user: null, name: 0, minute: day * 24 * 60, channel: 0, explicit: false, campaign: null, ...s }, i, 9000);
    const parts = [
      [at(1, { anon: 1, channel: 1, explicit: true }, 0), at(2, { anon: 1, name: 3 }, 1)],
      [at(3, { anon: 2, user: 1, channel: 2, explicit: true }, 2)],
      [at(4, { anon: 1, user: 1, name: 4 }, 3)],
    ];
    for (const [i, events] of parts.entries()) await storePayloads(env, [{ siteId: site.id, archiveKey: `merge/${i}`, part: 0, parts: 1, events, filtered: [] }]);
    const people = await env.DB.prepare("SELECT count(DISTINCT person_id) AS n FROM identities WHERE site_id = ?").bind(site.id).first<{ n: number }>();
    expect(people!.n).toBe(1);
    expect(await orphanStates(site.id)).toBe(0);
    const got = await answers(site.id);
    expect(got).toEqual(await oracle(site.id));
    // One journey across both devices (query 3: the e-mail filter over the whole range), closed by the purchase.
    const [journey, ...rest] = got[3] as Journey[];
    expect(rest).toEqual([]);
    expect(journey.touchpoints.map((t) => t.channel)).toEqual(["email", "web", "phone", "web"]);
    expect(journey.conversion?.ts).toBe(BASE + 4 * DAY + 3);
  });

  it("answers every journey question as the scan of the raw events does, whatever the arrival order", async () => {
    const site = await createSite();
    let run = 0;
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(spec, { minLength: 5, maxLength: 60 }), fc.array(fc.nat(), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 3 }),
        async (specs, cuts, order, again) => {
          run++;
          const events = specs.map((s, i) => enriched(s, i, run));
          await storePayloads(env, deliveries(events, site.id, cuts, order, again));
          const want = await oracle(site.id);
          expect(await answers(site.id)).toEqual(want);
          // The same questions with the horizon moved (raw rows left in place): the part before it is
          // then read from the states, the rest from the raw tables, and nothing may change.
          for (const h of [BASE + 12 * DAY, BASE + 25 * DAY, BASE + 45 * DAY]) {
            await setHorizon(site.id, h);
            expect(await answers(site.id)).toEqual(want);
          }
          await setHorizon(site.id, 0);
          // No state is left behind by a person merged into another.
          expect(await orphanStates(site.id)).toBe(0);
          checked += (want[0] as Journey[]).length;
        },
      ),
      { numRuns: 25 },
    );
    // The property saw journeys, not only empty answers.
    expect(checked).toBeGreaterThan(0);
  });

  it("gives the same answers after raw events age out, and keeps folding new events in", async () => {
    const aged = await createSite({ rawRetentionDays: 10 });
    const kept = await createSite();
    const events = fc.sample(spec, { numRuns: 400, seed: 7 }).map((s, i) => enriched(s, i, 1000));
    const early = events.filter((e) => e.ts < BASE + 25 * DAY);
    const late = events.filter((e) => e.ts >= BASE + 25 * DAY);
    for (const site of [aged, kept]) await storePayloads(env, [{ siteId: site.id, archiveKey: `age/${site.id}`, part: 0, parts: 1, events: early, filtered: [] }]);
    const before = await answers(aged.id);
    const countsBefore = await countsOf(aged.id);
    expect((before[0] as Journey[]).length).toBeGreaterThan(0);
    expect(countsBefore[0]).toMatchObject({ events: expect.any(Number) });
    expect((countsBefore[0] as { events: number }).events).toBeGreaterThan(0);

    // Horizon at day 20: what lies before it leaves the raw tables.
    const result = await ageRawEvents(env.DB, (await siteById(env.DB, aged.id, 0))!, BASE + 30 * DAY);
    expect(result.rawEventsDeleted).toBeGreaterThan(0);
    const left = (await env.DB.prepare("SELECT min(ts) AS t FROM events WHERE site_id = ?").bind(aged.id).first<{ t: number }>())!.t;
    expect(left).toBeGreaterThanOrEqual(BASE + 20 * DAY);
    expect(await answers(aged.id)).toEqual(before);
    // Counts too: what the raw tables no longer hold is counted from the states.
    expect(await countsOf(aged.id)).toEqual(countsBefore);

    // Later events, and a redelivery of the last early ones, fold in as on the site that kept everything.
    for (const site of [aged, kept]) {
      await storePayloads(env, [
        { siteId: site.id, archiveKey: `late/${site.id}`, part: 0, parts: 1, events: late, filtered: [] },
        { siteId: site.id, archiveKey: `again/${site.id}`, part: 0, parts: 1, events: early.filter((e) => e.ts >= BASE + 20 * DAY), filtered: [] },
      ]);
    }
    const [a, k] = [await answers(aged.id), await answers(kept.id)];
    expect(await countsOf(aged.id)).toEqual(await countsOf(kept.id));
    // Person ids differ between the two sites: compare the answers with them left out.
    const anon = (x: unknown) => JSON.parse(JSON.stringify(x, (key, v) => (key === "personId" ? undefined : v)));
    const sortAll = (xs: unknown[]) => xs.map((x) => (Array.isArray(x) ? anon(x).map((j: unknown) => JSON.stringify(j)).sort() : Object.values(anon(x)).map((v) => JSON.stringify(v)).sort()));
    expect(sortAll(a)).toEqual(sortAll(k));
    expect((k[0] as Journey[]).length).toBeGreaterThan((before[0] as Journey[]).length - 1);
  });
});
