// An answer asked between a batch's store and the write of its people's states (the consumer's two
// steps) must not be kept past that write: the data version moves with the states too.
import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { storeEvents } from "../../edge/src/pipeline/store";
import { refreshPeople } from "../../edge/src/pipeline/journey-state";
import { siteById } from "../../edge/src/sites/catalog";
import { BASE, DAY, enriched, spec } from "./oracle/journey-events";
import { createSite, read } from "./helpers";

describe("the answers' data version", () => {
  it("moves when the people's states are written after their events", async () => {
    const site = await createSite();
    const settings = (await siteById(env.DB, site.id, 0))!.settings;
    const events = fc.sample(spec, { numRuns: 80, seed: 3 }).map((s, i) => enriched({ ...s, name: i % 5 === 4 ? 4 : s.name }, i, 9300));
    // People of the second batch are new ones: their conversions come only with their states.
    const second = events.slice(40).map((e) => ({ ...e, anonymousId: `${e.anonymousId}-b`, userId: e.userId && `${e.userId}-b` }));
    const store = (batch: typeof events, part: string) => storeEvents(env.DB, site.id, batch, [], [part], { gapMs: 30 * 60_000, now: BASE + 41 * DAY });
    const a = await store(events.slice(0, 40), `v/${site.id}/a`);
    await refreshPeople(env.DB, site.id, settings, a.touchedKeys, a.merges, a.messageIds);
    const q = `/attribution?from=${new Date(BASE).toISOString()}&to=${new Date(BASE + 41 * DAY).toISOString()}`;
    const first = (await read(site, q)).conversions;
    expect(first).toBeGreaterThan(0);

    const b = await store(second, `v/${site.id}/b`);
    expect(b.stored).toBe(second.length);
    // Stored, their journeys not written yet: the answer is the first batch's.
    expect((await read(site, q)).conversions).toBe(first);
    await refreshPeople(env.DB, site.id, settings, b.touchedKeys, b.merges, b.messageIds);
    expect((await read(site, q)).conversions).toBeGreaterThan(first);
  });
});
