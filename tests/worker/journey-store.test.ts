// The journey store against the scan it replaced: random events (late, redelivered, merging
// identities) stored through the real pipeline into the real D1; every journey question asked of
// the state must equal the scan of the raw tables, and stay the same after raw events age out.
import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Journey } from "../../edge/src/core/journeys";
import { storePayloads } from "../../edge/src/pipeline/consumer";
import { ageRawEvents } from "../../edge/src/jobs/age-raw";
import { siteById } from "../../edge/src/sites/catalog";
import { answers, BASE, comparable, countsOf, DAY, deliveries, enriched, oracle, spec, type Spec } from "./oracle/journey-events";
import type { EnrichedEvent } from "../../edge/src/pipeline/payload";
import { createSite } from "./helpers";

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
    expect(comparable(a)).toEqual(comparable(k));
    expect((k[0] as Journey[]).length).toBeGreaterThan((before[0] as Journey[]).length - 1);
  });

  it("folds a late event older than the horizon into its person's state, once", async () => {
    const aged = await createSite({ rawRetentionDays: 10 });
    const kept = await createSite();
    const events = fc.sample(spec, { numRuns: 300, seed: 19 }).map((s, i) => enriched(s, i, 5000));
    for (const site of [aged, kept]) await storePayloads(env, [{ siteId: site.id, archiveKey: `early/${site.id}`, part: 0, parts: 1, events, filtered: [] }]);
    // Horizon at day 20.
    await ageRawEvents(env.DB, (await siteById(env.DB, aged.id, 0))!, BASE + 30 * DAY);
    const horizon = BASE + 20 * DAY;

    // Late events before the horizon: a new visitor who buys, a known user on a new device (a
    // merge with a person whose raw rows are gone), and a known device hours away from its other
    // events (its own session on either site).
    const quiet = (anon: number) => {
      const times = events.filter((e) => e.anonymousId === `a5000-${anon}`).map((e) => e.ts);
      for (let t = BASE + DAY; t < horizon - DAY; t += 3_600_000) if (times.every((x) => Math.abs(x - t) > 3 * 3_600_000)) return t;
      throw new Error("no quiet hour");
    };
    const late = (s: Partial<Spec>, ts: number, i: number, anonymousId?: string): EnrichedEvent =>
      ({ ...enriched({ anon: 0, user: null, name: 0, minute: 0, channel: 1, explicit: true, campaign: null, ...s }, i, 5000), ts, ...(anonymousId ? { anonymousId } : {}) });
    const known = events.find((e) => e.userId !== null)!;
    const lateEvents = [
      late({ channel: 2 }, BASE + 5 * DAY, 900, "late-new"), late({ name: 4 }, BASE + 5 * DAY + 60_000, 901, "late-new"),
      late({ user: Number(known.userId!.split("-")[1]), name: 3, channel: 3 }, BASE + 8 * DAY, 902, "late-device"),
      late({ anon: 1, name: 4, channel: 0 }, quiet(1), 903),
    ];
    expect(lateEvents.every((e) => e.ts < horizon)).toBe(true);
    for (const site of [aged, kept]) {
      // Delivered, then delivered again: folded in once.
      for (const key of ["late", "again"]) {
        await storePayloads(env, [{ siteId: site.id, archiveKey: `${key}/${site.id}`, part: 0, parts: 1, events: lateEvents, filtered: [] }]);
      }
    }
    const want = await oracle(kept.id);
    expect(comparable(await answers(kept.id))).toEqual(comparable(want));
    expect(comparable(await answers(aged.id))).toEqual(comparable(want));
    expect(await countsOf(aged.id)).toEqual(await countsOf(kept.id));
    // The late purchase is there: a journey ending at it.
    expect((want[3] as Journey[]).some((j) => j.endTs === lateEvents[1].ts)).toBe(true);
    expect(await orphanStates(aged.id)).toBe(0);
  });
});
