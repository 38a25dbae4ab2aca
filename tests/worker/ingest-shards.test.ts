// A site's ingest spread over several buffer objects (`ingestShards`), with the requests of one
// isolate coalesced per object: everything acknowledged is stored exactly once, whichever object
// took it, and the objects really share the load.
import { env, listDurableObjectIds, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, countRows, createSite, sendBatch, waitFor } from "./helpers";

const admin = { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}`, "content-type": "application/json" };

describe("sharded ingest buffer", () => {
  it("stores every acknowledged message once with 4 shards, and uses all of them", async () => {
    const site = await createSite({ ingestShards: 4 });
    const people = 24;
    const responses = await Promise.all(Array.from({ length: people * 3 }, (_, i) =>
      sendBatch(site, Array.from({ length: 10 }, (_, j) => ({ type: "track", event: "view", anonymousId: `p${i % people}`, messageId: `m-${i}-${j}` })))));
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<{ accepted: number }>));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const accepted = bodies.reduce((n, b) => n + b.accepted, 0);
    expect(accepted).toBe(people * 3 * 10);
    const stored = await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (n) => n >= accepted);
    expect(stored).toBe(accepted);
    expect(await countRows("SELECT count(DISTINCT message_id) AS n FROM events WHERE site_id = ?", site.id)).toBe(accepted);

    const ids = new Set((await listDurableObjectIds(env.INGEST_BUFFER)).map((id) => id.toString()));
    const used = [0, 1, 2, 3].filter((k) => ids.has(env.INGEST_BUFFER.idFromName(`${site.id}#${k}`).toString()));
    expect(used).toEqual([0, 1, 2, 3]);
    expect(ids.has(env.INGEST_BUFFER.idFromName(`${site.id}#4`).toString())).toBe(false);
  });

  it("stores a message once when copies reach different shards", async () => {
    const site = await createSite({ ingestShards: 8 });
    // The shard follows the sender: the same messageId sent under many ids lands on several objects.
    const copies = Array.from({ length: 16 }, (_, i) => sendBatch(site, [{ type: "track", event: "dup", anonymousId: `sender-${i}`, messageId: "same-message" }]));
    expect((await Promise.all(copies)).every((r) => r.status === 200)).toBe(true);
    await sendBatch(site, [{ type: "track", event: "marker", anonymousId: "m", messageId: "marker" }]);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ? AND message_id = 'marker'", site.id), (n) => n === 1);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ? AND message_id = 'same-message'", site.id), (n) => n >= 1);
    expect(await countRows("SELECT count(*) AS n FROM events WHERE site_id = ? AND message_id = 'same-message'", site.id)).toBe(1);
  });

  it("takes ingestShards from 1 to 64 on create and patch, refusing anything else by name", async () => {
    const site = await createSite();
    for (const bad of [0, 65, 2.5, "4", null]) {
      const res = await SELF.fetch(`${BASE}/api/admin/sites/${site.id}`, { method: "PATCH", headers: admin, body: JSON.stringify({ ingestShards: bad }) });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(((await res.json()) as { error: { field: string } }).error.field).toBe("ingestShards");
    }
    const ok = await SELF.fetch(`${BASE}/api/admin/sites/${site.id}`, { method: "PATCH", headers: admin, body: JSON.stringify({ ingestShards: 2 }) });
    expect(ok.status).toBe(200);
    const got = (await (await SELF.fetch(`${BASE}/api/admin/sites/${site.id}`, { headers: admin })).json()) as { ingestShards?: number };
    expect(got.ingestShards).toBe(2);
  });
});
