// The bench-only bulk route: shut unless the worker runs with PARCOURS_BENCH_BULK=1, and when open
// it runs a batch through the same code as the public ingest and the queue consumer, so a site
// loaded through it answers as one loaded through /v1/batch.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../edge/src/app";
import { answers, comparable, countsOf, BASE as T0, DAY } from "./oracle/journey-events";
import { countRows, createSite, sendBatch, waitFor } from "./helpers";

const benchEnv = { ...env, PARCOURS_BENCH_BULK: "1" } as unknown as typeof env;
const bulk = (siteId: string, body: unknown, e = benchEnv) => app.request(`https://parcours.example/api/admin/sites/${siteId}/bench/bulk`, {
  method: "POST", headers: { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body),
}, e);

/** 30 people over 40 days: page views from several channels, quotes and purchases, some identified. */
function messages(tag: string) {
  const out: Record<string, unknown>[] = [];
  const channels = ["email", "phone", "web", "paid_search"];
  for (let p = 0; p < 30; p++) {
    for (let k = 0; k < 10; k++) {
      const ts = new Date(T0 + ((p * 7 + k * 13) % 40) * DAY + k * 3_600_000).toISOString();
      const name = k === 9 && p % 2 ? "purchase" : k === 5 ? "quote_requested" : null;
      out.push({
        type: name ? "track" : "page", ...(name ? { event: name, properties: { revenue: 10 + p } } : {}),
        anonymousId: `${tag}-a${p}`, ...(p % 3 === 0 && k > 6 ? { userId: `${tag}-u${p % 9}` } : {}),
        messageId: `${tag}-${p}-${k}`, timestamp: ts, context: { channel: channels[(p + k) % 4] },
      });
    }
  }
  return out;
}

describe("bench bulk route", () => {
  it("does not exist unless the worker runs with the bench flag", async () => {
    const site = await createSite();
    const res = await bulk(site.id, { batch: messages("off") }, env);
    expect(res.status).toBe(404);
    expect(await countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id)).toBe(0);
  });

  it("asks for the admin token when open", async () => {
    const site = await createSite();
    const res = await app.request(`https://parcours.example/api/admin/sites/${site.id}/bench/bulk`, {
      method: "POST", headers: { authorization: "Bearer not-the-admin-token", "content-type": "application/json" }, body: JSON.stringify({ batch: messages("anon") }),
    }, benchEnv);
    expect(res.status).toBe(401);
    expect(await countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id)).toBe(0);
  });

  it("refuses a batch that is not a list of messages, by field", async () => {
    const site = await createSite();
    const res = await bulk(site.id, { batch: "x" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_field", field: "batch" } });
  });

  it("stores, archives and keeps journey state as the public ingest and the queue do", async () => {
    const [viaBulk, viaIngest] = [await createSite(), await createSite()];
    // The same messages (ids are per site, so the same tag on both).
    const batch = messages("same");
    const res = await bulk(viaBulk.id, { batch });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: batch.length, stored: batch.length, rejected: [] });
    for (let i = 0; i < batch.length; i += 100) expect((await sendBatch(viaIngest, batch.slice(i, i + 100))).status).toBe(200);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", viaIngest.id), (n) => n === batch.length);

    // One archive object holding every event, as a flush of the ingest buffer writes it.
    const listed = await env.ARCHIVE.list({ prefix: `raw/${viaBulk.id}/` });
    expect(listed.objects.length).toBe(1);
    const archived = (await (await env.ARCHIVE.get(listed.objects[0].key))!.text()).split("\n").filter(Boolean)
      .flatMap((l) => (JSON.parse(l) as { events: unknown[] }).events);
    expect(archived.length).toBe(batch.length);

    const want = await answers(viaIngest.id);
    expect((want[3] as unknown[]).length).toBeGreaterThan(0);
    expect(comparable(await answers(viaBulk.id))).toEqual(comparable(want));
    expect(comparable(await countsOf(viaBulk.id))).toEqual(comparable(await countsOf(viaIngest.id)));
    expect(await countRows("SELECT count(*) AS n FROM person_state WHERE site_id = ?", viaBulk.id))
      .toBe(await countRows("SELECT count(*) AS n FROM person_state WHERE site_id = ?", viaIngest.id));
  });
});
