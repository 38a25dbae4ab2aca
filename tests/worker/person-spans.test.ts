// Unfiltered people and stage counts from person_state's columns against a scan of the raw
// events: random events in shuffled, redelivered batches, ranges inside the data, ending before
// its end (people active after the range) and covering it all.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { storePayloads } from "../../edge/src/pipeline/consumer";
import { countEventsAndPeople } from "../../edge/src/query/load/counts";
import { peopleByStage } from "../../edge/src/query/load/aggregates";
import { BASE, DAY, forShuffledDeliveries } from "./oracle/journey-events";
import { createSite } from "./helpers";

const RANGES = [
  { from: BASE + 5 * DAY + 17, to: BASE + 20 * DAY - 3 },
  { from: BASE + 12 * DAY, to: BASE + 41 * DAY },
  { from: 0, to: BASE + 100 * DAY },
];

/** The scan: each event's person through the identity map, counted in SQL. */
async function scan(siteId: string, range: { from: number; to: number }) {
  const people = await env.DB.prepare(
    `SELECT count(DISTINCT i.person_id) AS n FROM events e JOIN identities i ON i.site_id = e.site_id AND i.ident_key = e.ident_key
     WHERE e.site_id = ? AND e.ts BETWEEN ? AND ?`).bind(siteId, range.from, range.to).first<{ n: number }>();
  const events = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE site_id = ? AND ts BETWEEN ? AND ?").bind(siteId, range.from, range.to).first<{ n: number }>();
  const staged = await env.DB.prepare(
    `SELECT i.person_id AS personId, e.stage, e.ts FROM events e JOIN identities i ON i.site_id = e.site_id AND i.ident_key = e.ident_key
     WHERE e.site_id = ? AND e.ts BETWEEN ? AND ? AND e.stage IS NOT NULL ORDER BY e.ts`).bind(siteId, range.from, range.to).all<{ personId: string; stage: string }>();
  const latest = new Map(staged.results.map((r) => [r.personId, r.stage]));
  const stages = new Map<string, number>();
  for (const stage of latest.values()) stages.set(stage, (stages.get(stage) ?? 0) + 1);
  return { events: events!.n, people: people!.n, stages: [...stages].map(([stage, people]) => ({ stage, people })).sort((a, b) => (a.stage < b.stage ? -1 : 1)) };
}

describe("people and stages from person_state's columns", () => {
  it("count what a scan of the raw events counts, people active after the range included", async () => {
    const site = await createSite();
    let seen = 0;
    await forShuffledDeliveries(site.id, 20, async (payloads) => {
      await storePayloads(env, payloads);
      for (const range of RANGES) {
        const want = await scan(site.id, range);
        const counted = await countEventsAndPeople(env.DB, site.id, range, {});
        const stages = (await peopleByStage(env.DB, site.id, range, {})).sort((a, b) => (a.stage < b.stage ? -1 : 1));
        expect({ ...counted, stages }).toEqual(want);
        seen += want.people;
      }
    });
    expect(seen).toBeGreaterThan(0);
  });
});
