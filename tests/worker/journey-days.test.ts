// The day digests against the scan: random events stored through the real pipeline in shuffled,
// redelivered batches, with the journey answers asked between batches (so days are digested, then
// go stale as late events land in them). Every answer must equal the one the original per-journey
// code computes from the scan oracle's journeys, up to floating-point summation order.
import { env, SELF } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { unpackJourney } from "../../edge/src/core/journey-pack";
import { storePayloads } from "../../edge/src/pipeline/consumer";
import { attribute, GROUP_BYS, toAttributionJourneys } from "../../edge/src/query/attribution/attribute";
import { attributionOf, digestOf, packDigest, pathJourneys, type JourneyDigest } from "../../edge/src/query/journey-digest";
import { channelCount, pathJourneyOf, summarize, summaryOf, touchpointHistogram } from "../../edge/src/query/journey-stats";
import type { Journey } from "../../edge/src/query/journeys";
import { loadJourneyDigest } from "../../edge/src/query/load/journey-days";
import type { JourneyQuery } from "../../edge/src/query/load/journeys";
import { topPaths, transitions } from "../../edge/src/query/paths";
import { ageRawEvents } from "../../edge/src/jobs/age-raw";
import { siteById } from "../../edge/src/sites/catalog";
import { BASE, DAY, enriched, forShuffledDeliveries, spec } from "./oracle/journey-events";
import { scanJourneys } from "./oracle/scan-journeys";
import { createSite } from "./helpers";

const QUERIES: JourneyQuery[] = [
  // Both ends inside a day: two partial days read as journeys, the rest from digests.
  { from: BASE + 3 * DAY + 41_000, to: BASE + 38 * DAY + 7_000, conversion: "purchase", lookbackMs: 30 * DAY, filter: {} },
  // Whole days only.
  { from: BASE, to: BASE + 41 * DAY - 1, conversion: "purchase", lookbackMs: 30 * DAY, filter: {} },
];

/** Every journey answer built from the digest path... */
function fromDigest(d: JourneyDigest) {
  const paths = pathJourneys(d);
  return {
    attribution: GROUP_BYS.flatMap((by) => [attributionOf(d, by, "count"), attributionOf(d, by, "revenue")]),
    paths: topPaths(paths, 5, 20, "last"),
    transitions: transitions(paths),
    summary: summaryOf(paths, d.timesToConvert),
    histogram: touchpointHistogram(paths),
    channelCount: channelCount(paths),
  };
}

/** ...and by the per-journey code from the scan's journeys. */
function fromJourneys(journeys: Journey[]) {
  const paths = journeys.map(pathJourneyOf);
  return {
    attribution: GROUP_BYS.flatMap((by) => [attribute(toAttributionJourneys(journeys, by, "count")), attribute(toAttributionJourneys(journeys, by, "revenue"))]),
    paths: topPaths(paths, 5, 20, "last"),
    transitions: transitions(paths),
    summary: summarize(journeys),
    histogram: touchpointHistogram(paths),
    channelCount: channelCount(paths),
  };
}

/** Numbers to 9 significant digits: sums of credits differ in the last bits with their order. */
const rounded = (x: unknown) => JSON.parse(JSON.stringify(x, (_, v) => (typeof v === "number" ? Number(v.toPrecision(9)) : v)));

async function compare(siteId: string): Promise<number> {
  let journeys = 0;
  for (const q of QUERIES) {
    const want = await scanJourneys(env.DB, siteId, q);
    expect(rounded(fromDigest(await loadJourneyDigest(env.DB, siteId, q)))).toEqual(rounded(fromJourneys(want)));
    journeys += want.length;
  }
  return journeys;
}

const digestedDays = async (siteId: string) => (await env.DB.prepare(
  "SELECT count(*) AS n FROM journey_days WHERE site_id = ? AND built_seq = seq AND data IS NOT NULL").bind(siteId).first<{ n: number }>())!.n;

describe("journey day digests", () => {
  it("answer as the journeys do, while late and redelivered events keep landing in digested days", async () => {
    const site = await createSite();
    let journeys = 0;
    let digested = 0;
    await forShuffledDeliveries(site.id, 15, async (payloads) => {
      // Ask between batches: the digests built after one batch are stale after the next.
      for (const payload of payloads) {
        await storePayloads(env, [payload]);
        journeys += await compare(site.id);
      }
      digested = Math.max(digested, await digestedDays(site.id));
    });
    expect(journeys).toBeGreaterThan(0);
    // The digests were used, not only the journeys of the partial days.
    expect(digested).toBeGreaterThan(0);
  });

  it("never serve a digest an isolate kept once its day was rebuilt elsewhere", async () => {
    const site = await createSite();
    const events = fc.sample(spec, { numRuns: 200, seed: 23 }).map((s, i) => enriched(s, i, 8000));
    await storePayloads(env, [{ siteId: site.id, archiveKey: `kept/${site.id}/0`, part: 0, parts: 1, events: events.slice(0, 120), filtered: [] }]);
    expect(await compare(site.id)).toBeGreaterThan(0);
    await storePayloads(env, [{ siteId: site.id, archiveKey: `kept/${site.id}/1`, part: 0, parts: 1, events: events.slice(120), filtered: [] }]);
    // Another isolate rebuilds every stale day: this one still holds the digests it parsed before.
    const stale = await env.DB.prepare("SELECT conversion, day FROM journey_days WHERE site_id = ? AND (built_seq IS NULL OR built_seq <> seq)")
      .bind(site.id).all<{ conversion: string; day: number }>();
    expect(stale.results.length).toBeGreaterThan(0);
    for (const { conversion, day } of stale.results) {
      const rows = await env.DB.prepare("SELECT person_id, end_ts, data FROM journeys WHERE site_id = ? AND conversion = ? AND end_ts BETWEEN ? AND ?")
        .bind(site.id, conversion, day * DAY, (day + 1) * DAY - 1).raw<[string, number, string]>();
      await env.DB.prepare("UPDATE journey_days SET data = ?, built_seq = seq WHERE site_id = ? AND conversion = ? AND day = ?")
        .bind(packDigest(digestOf(rows.map(([p, t, d]) => unpackJourney(p, t, d)))), site.id, conversion, day).run();
    }
    expect(await compare(site.id)).toBeGreaterThan(0);
  });

  it("keep answering the same after raw events age out and a person is erased", async () => {
    const site = await createSite({ rawRetentionDays: 10 });
    const events = fc.sample(spec, { numRuns: 300, seed: 11 }).map((s, i) => enriched(s, i, 7000));
    await storePayloads(env, [{ siteId: site.id, archiveKey: `days/${site.id}`, part: 0, parts: 1, events, filtered: [] }]);
    expect(await compare(site.id)).toBeGreaterThan(0);
    expect(await digestedDays(site.id)).toBeGreaterThan(0);
    // The scan cannot see aged events: the answers before ageing are what must stay.
    const digests = async () => Promise.all(QUERIES.map(async (q) => rounded(fromDigest(await loadJourneyDigest(env.DB, site.id, q)))));
    const before = await digests();
    await ageRawEvents(env.DB, (await siteById(env.DB, site.id, 0))!, BASE + 30 * DAY);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM events WHERE site_id = ? AND ts < ?").bind(site.id, BASE + 20 * DAY).first("n")).toBe(0);
    await env.DB.prepare("UPDATE journey_days SET built_seq = NULL WHERE site_id = ?").bind(site.id).run();
    expect(await digests()).toEqual(before);
    // An erasure deletes the person's journeys: the days they ended on must not keep counting them.
    const { person_id } = (await env.DB.prepare("SELECT person_id FROM journeys WHERE site_id = ? ORDER BY end_ts LIMIT 1").bind(site.id).first<{ person_id: string }>())!;
    const erased = await env.DB.prepare("SELECT ident_key FROM identities WHERE site_id = ? AND person_id = ?").bind(site.id, person_id).first<{ ident_key: string }>();
    const res = await SELF.fetch(`http://parcours.test/api/admin/sites/${site.id}/people/${encodeURIComponent(person_id)}`, {
      method: "DELETE", headers: { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}` },
    });
    expect(res.status, await res.text()).toBeLessThan(300);
    expect(erased).not.toBeNull();
    expect(await env.DB.prepare("SELECT count(*) AS n FROM journeys WHERE site_id = ? AND person_id = ?").bind(site.id, person_id).first("n")).toBe(0);
    // Against the journeys the table now holds (the scan would miss the aged events).
    for (const q of QUERIES) {
      const rows = await env.DB.prepare("SELECT person_id, end_ts, data FROM journeys WHERE site_id = ? AND conversion = ? AND end_ts BETWEEN ? AND ?")
        .bind(site.id, q.conversion, q.from, q.to).raw<[string, number, string]>();
      expect(rows.some(([p]) => p === person_id)).toBe(false);
      expect(rounded(fromDigest(await loadJourneyDigest(env.DB, site.id, q)))).toEqual(rounded(fromJourneys(rows.map(([p, t, d]) => unpackJourney(p, t, d)))));
    }
  });
});
