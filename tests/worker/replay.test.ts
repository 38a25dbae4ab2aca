import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { archiveKey, toPayloads } from "../../edge/src/ingest/archive";
import type { EnrichedEvent } from "../../edge/src/pipeline/payload";
import { BASE, countRows, createSite, waitFor } from "./helpers";

function event(i: number): EnrichedEvent {
  return { messageId: `rp-${i}`, type: "track", event: "big", userId: `rp-user-${i % 7}`, anonymousId: null, previousId: null,
    ts: Date.now() - 60_000, receivedAt: Date.now(), channel: "direct", channelExplicit: false, source: null, medium: null,
    campaign: null, campaignKey: null, stage: null, isConversion: false, revenue: null, path: null, country: null, region: null,
    device: null, browser: null, os: null, properties: { pad: "x".repeat(1000) }, context: null };
}

describe("replay sweep", () => {
  it("re-sends only the parts of an archived flush the queue lost, and stores each event once", async () => {
    const site = await createSite();
    const key = archiveKey(site.id, Date.now() - 120_000, crypto.randomUUID());
    const payloads = toPayloads(site.id, key, Array.from({ length: 250 }, (_, i) => event(i)), []);
    expect(payloads.length).toBeGreaterThan(2); // ~1 KB events: several queue-sized parts
    await env.ARCHIVE.put(key, payloads.map((p) => JSON.stringify(p)).join("\n") + "\n", { customMetadata: { parts: String(payloads.length) } });
    // The queue delivers only the first part; the others are lost.
    await env.QUEUE.send(payloads[0]);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (n) => n === payloads[0].events.length);

    const res = await SELF.fetch(`${BASE}/api/admin/replay?site=${site.id}&min_age_ms=0`, { method: "POST", headers: { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}` } });
    expect(await res.json()).toEqual({ scanned: 1, replayed: payloads.length - 1 });
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (n) => n === 250);
    expect(await countRows("SELECT count(DISTINCT message_id) AS n FROM events WHERE site_id = ?", site.id)).toBe(250);

    // Everything is recorded now: a second sweep sends nothing.
    const again = await SELF.fetch(`${BASE}/api/admin/replay?site=${site.id}&min_age_ms=0`, { method: "POST", headers: { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}` } });
    expect(await again.json()).toEqual({ scanned: 1, replayed: 0 });
  });
});
