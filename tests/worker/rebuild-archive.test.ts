// Rebuild from the R2 archive: once raw events have aged out of D1, only the archive still knows
// them. A settings change (session gap, lookback, conversions, stages) rebuilds every person from
// it, and every journey answer must then equal the scan of all events on a site that kept them
// and had the new settings from the start. An erased person must not come back from it.
import { env, SELF } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Journey } from "../../edge/src/core/journeys";
import type { EnrichedEvent, QueuePayload } from "../../edge/src/pipeline/payload";
import { storePayloads } from "../../edge/src/pipeline/consumer";
import { ageRawEvents } from "../../edge/src/jobs/age-raw";
import { archiveKey } from "../../edge/src/ingest/archive";
import { siteById } from "../../edge/src/sites/catalog";
import { answers, BASE, comparable, countsOf, DAY, deliveries, enriched, oracle, spec } from "./oracle/journey-events";
import { BASE as URL_BASE, countRows, createSite, waitFor } from "./helpers";

const NEW_STAGES = { view_product: "awareness", add_to_cart: "consideration", purchase: "decision" };
const NEW_SETTINGS = { sessionGapMinutes: 90, lookbackDays: 14, conversions: ["purchase", "quote_requested"], stages: NEW_STAGES };

const admin = (path: string, method = "GET", body?: unknown) => SELF.fetch(`${URL_BASE}/api/admin/sites${path}`, {
  method, headers: { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}`, "content-type": "application/json" },
  body: body === undefined ? undefined : JSON.stringify(body),
});

/** As the consumer gets them from ingest: each delivery archived in R2 first (a redelivery is a new batch), then stored. */
async function ingest(siteId: string, payloads: QueuePayload[], receivedAt: number) {
  for (const [i, p] of payloads.entries()) {
    const key = archiveKey(siteId, receivedAt + i * 1000, crypto.randomUUID());
    const payload = { ...p, siteId, archiveKey: key, part: 0, parts: 1 };
    await env.ARCHIVE.put(key, JSON.stringify(payload) + "\n", { customMetadata: { parts: "1" } });
    await storePayloads(env, [payload]);
  }
}

async function ageEverything(siteId: string) {
  const r = await ageRawEvents(env.DB, (await siteById(env.DB, siteId, 0))!, BASE + 120 * DAY);
  expect(r.rawEventsDeleted).toBeGreaterThan(0);
  expect(await countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", siteId)).toBe(0);
}

async function rebuilt(siteId: string) {
  const progress = await waitFor(async () => (await admin(`/${siteId}/rebuild`)).json() as Promise<{ state: string; done: number; total: number }>,
    (p) => p.state === "done", 50_000);
  expect(progress.state).toBe("done");
  expect(progress.done).toBe(progress.total);
  // Staging is emptied once everyone is recomputed.
  expect(await countRows("SELECT count(*) AS n FROM rebuild_events WHERE site_id = ?", siteId)).toBe(0);
  return progress;
}

describe("rebuild from the R2 archive", () => {
  it("after every raw event aged out, a settings change rebuilds the answers a scan of all events gives under the new settings", async () => {
    const aged = await createSite({ rawRetentionDays: 10 });
    const kept = await createSite(NEW_SETTINGS);
    const specs = fc.sample(spec, { numRuns: 300, seed: 11 });
    const events = specs.map((s, i) => enriched(s, i, 2000));
    const order = deliveries(events, aged.id, [40, 90, 150, 220], [3, 1], [0, 2]);
    await ingest(aged.id, order, BASE + 41 * DAY);
    // The site that kept everything got every event at once in time order, enriched under the new
    // stages: the scan of all events. (Sessions cut batch by batch can depend on arrival order
    // when campaigns interleave; a rebuild cuts them once, in time order.)
    const withNewStages = specs.map((s, i) => enriched(s, i, 2000, NEW_STAGES)).sort((a, b) => a.ts - b.ts);
    await storePayloads(env, [{ siteId: kept.id, archiveKey: `kept/${kept.id}`, part: 0, parts: 1, events: withNewStages, filtered: [] }]);

    const before = await answers(aged.id);
    await ageEverything(aged.id);
    // Still the same answers from the states alone (the old settings).
    expect(await answers(aged.id)).toEqual(before);

    // Two changes in a row: the second rebuild replaces the first, whose slices then stop.
    expect((await admin(`/${aged.id}`, "PATCH", { sessionGapMinutes: 60 })).status).toBe(200);
    expect((await admin(`/${aged.id}`, "PATCH", NEW_SETTINGS)).status).toBe(200);
    const progress = await rebuilt(aged.id);
    expect(progress.total).toBeGreaterThan(0);
    // Every archived copy read once by the rebuild that counts (a redelivered part is archived twice).
    expect(progress).toMatchObject({ phase: null, archivedEvents: order.reduce((n, p) => n + p.events.length, 0) });

    const want = await oracle(kept.id);
    // The property saw journeys under the new settings, and they differ from the old ones.
    expect((want[0] as Journey[]).length).toBeGreaterThan(0);
    expect(comparable(want)).not.toEqual(comparable(before));
    expect(comparable(await answers(aged.id))).toEqual(comparable(want));
    expect(comparable(await countsOf(aged.id))).toEqual(comparable(await countsOf(kept.id)));
    // Still none of the raw events is back in D1: the rebuild writes state, not raw rows.
    expect(await countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", aged.id)).toBe(0);
  });

  it("rewrites the raw window's sessions and stages too, and folds in what arrives after ageing", async () => {
    const aged = await createSite({ rawRetentionDays: 10 });
    const kept = await createSite(NEW_SETTINGS);
    const specs = fc.sample(spec, { numRuns: 300, seed: 23 });
    const all = specs.map((s, i) => ({ old: enriched(s, i, 3000), next: enriched(s, i, 3000, NEW_STAGES) }));
    const early = all.filter((e) => e.old.ts < BASE + 25 * DAY);
    const late = all.filter((e) => e.old.ts >= BASE + 25 * DAY);
    const payload = (events: EnrichedEvent[]): QueuePayload => ({ siteId: aged.id, archiveKey: "", part: 0, parts: 1, events, filtered: [] });
    await ingest(aged.id, [payload(early.map((e) => e.old))], BASE + 41 * DAY);
    // Horizon at day 20: a raw window is left in D1, with sessions cut under the old gap.
    await ageRawEvents(env.DB, (await siteById(env.DB, aged.id, 0))!, BASE + 30 * DAY);
    expect(await countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", aged.id)).toBeGreaterThan(0);
    await ingest(aged.id, [payload(late.map((e) => e.old))], BASE + 42 * DAY);
    await storePayloads(env, [{ ...payload(early.map((e) => e.next)), siteId: kept.id }, { ...payload(late.map((e) => e.next)), siteId: kept.id }]);

    expect((await admin(`/${aged.id}`, "PATCH", NEW_SETTINGS)).status).toBe(200);
    await rebuilt(aged.id);
    const want = await oracle(kept.id);
    expect((want[0] as Journey[]).length).toBeGreaterThan(0);
    expect(comparable(await answers(aged.id))).toEqual(comparable(want));
    expect(comparable(await countsOf(aged.id))).toEqual(comparable(await countsOf(kept.id)));
    // Raw rows point at sessions that exist, and carry the stages of the new settings.
    expect(await countRows(`SELECT count(*) AS n FROM events e WHERE e.site_id = ? AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = e.session_id)`, aged.id)).toBe(0);
    expect(await countRows("SELECT count(*) AS n FROM events WHERE site_id = ? AND event = 'view_product' AND stage = 'awareness'", aged.id)).toBeGreaterThan(0);
  });

  it("does not bring an erased person back, even from an archived batch the erasure missed", async () => {
    const site = await createSite({ rawRetentionDays: 10 });
    const at = (anonymousId: string, minute: number, event: string | null, i: number) =>
      ({ ...enriched({ anon: 0, user: null, name: 0, minute, channel: 1, explicit: true, campaign: null }, i, 4000), anonymousId, event, type: event ? "track" : "page" }) as EnrichedEvent;
    const batch = (events: EnrichedEvent[]): QueuePayload => ({ siteId: site.id, archiveKey: "", part: 0, parts: 1, events, filtered: [] });
    const stays = [at("stays", 60, null, 0), at("stays", 120, "purchase", 1)];
    const goes = [at("goes", 70, null, 2), at("goes", 130, "purchase", 3)];
    await ingest(site.id, [batch([...stays, ...goes])], BASE + 41 * DAY);
    // A batch archived but not yet rewritten when the erasure ran (it mentions the person).
    const missed = archiveKey(site.id, BASE + 43 * DAY, crypto.randomUUID());
    await ageEverything(site.id);

    const erased = await admin(`/${site.id}/people/goes`, "DELETE");
    expect(erased.status).toBe(200);
    await env.ARCHIVE.put(missed, JSON.stringify({ ...batch([at("goes", 200, "purchase", 5)]), archiveKey: missed }) + "\n");

    expect((await admin(`/${site.id}/rebuild`, "POST")).status).toBe(202);
    const progress = await rebuilt(site.id);
    expect(progress.total).toBe(1);
    expect(await countRows("SELECT count(*) AS n FROM person_state WHERE site_id = ?", site.id)).toBe(1);
    expect(await countRows("SELECT count(*) AS n FROM identities WHERE site_id = ? AND ident_key = 'a:goes'", site.id)).toBe(0);
    // The e-mail journeys of the whole range: one, of the person that stays (two sessions an hour apart).
    const journeys = (await answers(site.id))[3] as Journey[];
    expect(journeys.map((j) => j.touchpoints.map((t) => t.ts))).toEqual([stays.map((e) => e.ts)]);
  });
});
