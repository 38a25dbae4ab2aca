import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, countRows, createSite, waitFor } from "./helpers";

describe("dead-letter queue", () => {
  it("keeps a hand-off that keeps failing, shows it on the admin API, and stores its neighbours", async () => {
    const site = await createSite();
    const good = await SELF.fetch(`${BASE}/v1/batch`, { method: "POST", headers: { authorization: `Basic ${btoa(site.secretKey + ":")}` },
      body: JSON.stringify({ batch: [{ type: "track", event: "fine", userId: "n", messageId: "neighbour" }] }) });
    expect(good.status).toBe(200);
    // A payload the consumer cannot store (events is not a list): every attempt throws. Sent right
    // after a good hand-off, so both usually share a consumer batch.
    await env.QUEUE.send({ siteId: "dlq-site", archiveKey: "raw/dlq-site/x.ndjson", events: "broken", filtered: [] } as never);
    const list = await waitFor(async () => {
      const res = await SELF.fetch(`${BASE}/api/admin/dead-letters`, { headers: { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}` } });
      return res.json<any>();
    }, (r) => r.deadLetters.length > 0, 25_000);
    expect(list.deadLetters).toHaveLength(1);
    expect(list.deadLetters[0]).toMatchObject({ siteId: "dlq-site", payload: { events: "broken" } });
    expect(await countRows("SELECT count(*) AS n FROM events WHERE message_id = 'neighbour'")).toBe(1);
    const anon = await SELF.fetch(`${BASE}/api/admin/dead-letters`);
    expect(anon.status).toBe(401);
  });
});
