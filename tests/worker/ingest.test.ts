import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, basic, countRows, createSite, sendBatch, waitFor } from "./helpers";

const now = () => new Date().toISOString();

describe("ingest through the real worker, queue, D1 and R2", () => {
  it("stores a batch, rejects only the bad message, and names its field", async () => {
    const site = await createSite();
    const res = await sendBatch(site, [
      { type: "track", event: "signup", anonymousId: "a1", messageId: "m1", timestamp: now() },
      { type: "track", anonymousId: "a1", messageId: "m2" }, // no event name
      { type: "page", anonymousId: "a1", messageId: "m3", properties: { path: "/" } },
      "not a message",
    ]);
    expect(res.status).toBe(200);
    const body = await res.json<any>();
    expect(body.accepted).toBe(2);
    expect(body.rejected).toEqual([
      { index: 1, messageId: "m2", error: { code: "invalid_field", field: "event", message: "event is required" } },
      { index: 3, error: expect.objectContaining({ code: "invalid_message" }) },
    ]);
    const stored = await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (n) => n === 2);
    expect(stored).toBe(2);
  });

  it("answers a single-message route with 200 and the refused message's reason, as a batch of one", async () => {
    const site = await createSite();
    const res = await SELF.fetch(`${BASE}/v1/track`, {
      method: "POST", headers: { authorization: basic(site.secretKey) }, body: JSON.stringify({ anonymousId: "a1", messageId: "one-1" }),
    });
    expect(res.status).toBe(200);
    expect(await res.json<any>()).toMatchObject({
      accepted: 0, rejected: [{ index: 0, messageId: "one-1", error: { code: "invalid_field", field: "event", message: "event is required" } }],
    });
  });

  it("finds a Plausible event's site by a domain whose allowed origin takes any port", async () => {
    const site = await createSite({ allowedOrigins: ["http://plausible-any-port.test:*"] });
    const res = await SELF.fetch(`${BASE}/api/event`, {
      method: "POST", headers: { "content-type": "application/json", "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36" },
      body: JSON.stringify({ name: "pageview", url: "http://plausible-any-port.test:3000/pricing", domain: "plausible-any-port.test" }),
    });
    expect(res.status).toBe(202);
    expect(await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (n) => n === 1)).toBe(1);
  });

  it("stores the same messageId once, even across batches", async () => {
    const site = await createSite();
    const msg = { type: "track", event: "purchase", userId: "u1", messageId: "dup-1", properties: { revenue: 10 } };
    await sendBatch(site, [msg, msg]);
    await sendBatch(site, [msg]);
    await waitFor(() => countRows("SELECT count(*) AS n FROM ingested_batches WHERE key LIKE ?", `raw/${site.id}/%`), (n) => n === 2);
    expect(await countRows("SELECT count(*) AS n FROM events WHERE site_id = ? AND message_id = 'dup-1'", site.id)).toBe(1);
  });

  it("reads `value` as revenue, but not a web vital's (a timing, not money)", async () => {
    const site = await createSite();
    await sendBatch(site, [
      { type: "track", event: "web_vital", userId: "u1", messageId: "wv-1", properties: { name: "LCP", value: 2400, path: "/" } },
      { type: "track", event: "signup", userId: "u1", messageId: "wv-2", properties: { value: 30 } },
    ]);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (n) => n === 2);
    const rows = await env.DB.prepare("SELECT event, revenue, properties ->> '$.value' AS value FROM events WHERE site_id = ? ORDER BY event").bind(site.id).all();
    expect(rows.results).toEqual([{ event: "signup", revenue: 30, value: 30 }, { event: "web_vital", revenue: null, value: 2400 }]);
  });

  it("archives accepted batches to R2 as NDJSON by site and hour", async () => {
    const site = await createSite();
    await sendBatch(site, [{ type: "track", event: "x", anonymousId: "a", messageId: "r2-1" }]);
    // The site's ingest buffer flushes to R2 a moment after the 200.
    const list = await waitFor(() => env.ARCHIVE.list({ prefix: `raw/${site.id}/` }), (l) => l.objects.length > 0);
    expect(list.objects).toHaveLength(1);
    expect(list.objects[0].key).toMatch(new RegExp(`^raw/${site.id}/\\d{4}-\\d\\d-\\d\\d/\\d\\d/\\d+-[0-9a-f-]+\\.ndjson$`));
    const text = await (await env.ARCHIVE.get(list.objects[0].key))!.text();
    expect(JSON.parse(text.trim()).events[0].messageId).toBe("r2-1");
  });

  it("answers 401 for an unknown key, 400 for broken JSON, 413 past 500 KB", async () => {
    const site = await createSite();
    const unknown = await SELF.fetch(`${BASE}/v1/batch`, { method: "POST", body: JSON.stringify({ batch: [], writeKey: "nope" }) });
    expect(unknown.status).toBe(401);
    const broken = await SELF.fetch(`${BASE}/v1/batch`, { method: "POST", headers: { authorization: basic(site.secretKey) }, body: "{nope" });
    expect(broken.status).toBe(400);
    expect((await broken.json<any>()).error.code).toBe("invalid_json");
    const big = await SELF.fetch(`${BASE}/v1/batch`, { method: "POST", headers: { authorization: basic(site.secretKey) },
      body: JSON.stringify({ batch: [{ type: "track", event: "x", userId: "u", properties: { s: "x".repeat(600 * 1024) } }] }) });
    expect(big.status).toBe(413);
  });

  it("checks the browser origin for write keys and lets only secret keys backfill", async () => {
    const site = await createSite();
    const old = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const post = (origin: string, batch: unknown[]) => SELF.fetch(`${BASE}/v1/batch`, {
      method: "POST", headers: { origin, "content-type": "text/plain" }, body: JSON.stringify({ batch, writeKey: site.writeKey }) });
    expect((await post("https://evil.example", [{ type: "page", anonymousId: "a" }])).status).toBe(403);
    const ok = await post("https://shop.example", [{ type: "page", anonymousId: "a", timestamp: old, sentAt: old }, { type: "page", anonymousId: "a", timestamp: old }]);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://shop.example");
    const body = await ok.json<any>();
    // With sentAt, the old clock is skew-corrected to now; without it, the old timestamp is refused.
    expect(body.accepted).toBe(1);
    expect(body.rejected[0]).toMatchObject({ index: 1, error: { field: "timestamp" } });
    const backfill = await sendBatch(site, [{ type: "track", event: "old", userId: "u", timestamp: old }]);
    expect((await backfill.json<any>()).accepted).toBe(1);
  });

  it("keeps bots aside and counts them instead of storing them as events", async () => {
    const site = await createSite();
    const res = await sendBatch(site, [
      { type: "page", anonymousId: "b", messageId: "bot-1", context: { userAgent: "Googlebot/2.1 (+http://www.google.com/bot.html)" } },
      { type: "page", anonymousId: "h", messageId: "human-1", context: { userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36" } },
    ]);
    expect(await res.json()).toMatchObject({ accepted: 2, filtered: 1 });
    await waitFor(() => countRows("SELECT count(*) AS n FROM filtered_events WHERE site_id = ?", site.id), (n) => n === 1);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (n) => n === 1);
    const row = await env.DB.prepare("SELECT device, browser, os FROM events WHERE message_id = 'human-1'").first();
    expect(row).toEqual({ device: "desktop", browser: "Chrome", os: "Windows" });
  });

  it("derives the channel from UTM, click ids and referrer, or takes context.channel", async () => {
    const site = await createSite();
    const page = (id: string, url: string, referrer?: string, extra = {}) =>
      ({ type: "page", anonymousId: `ch-${id}`, messageId: id, context: { page: { url, referrer }, ...extra } });
    await sendBatch(site, [
      page("utm", "https://shop.example/?utm_source=newsletter&utm_medium=email&utm_campaign=nov"),
      page("gclid", "https://shop.example/?gclid=abc"),
      page("search", "https://shop.example/", "https://www.google.com/"),
      page("ref", "https://shop.example/", "https://blog.example/post"),
      page("direct", "https://shop.example/"),
      { type: "track", event: "call", userId: "caller", messageId: "phone", context: { channel: "phone" } },
    ]);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (n) => n === 6);
    const { results } = await env.DB.prepare("SELECT message_id, channel, campaign FROM events WHERE site_id = ?").bind(site.id).all();
    const byId = Object.fromEntries(results.map((r) => [r.message_id, r.channel]));
    expect(byId).toEqual({ utm: "email", gclid: "paid_search", search: "organic_search", ref: "referral", direct: "direct", phone: "phone" });
  });

  it("keeps a campaign's session apart from the one before it, whatever batch the next page comes in", async () => {
    const site = await createSite();
    const at = (min: number) => new Date(Date.now() - (30 - min) * 60_000).toISOString();
    const page = (id: string, min: number, url: string) => ({ type: "page", anonymousId: "camp", messageId: id, timestamp: at(min), context: { page: { url } } });
    for (const msg of [page("c0", 0, "https://shop.example/"), page("c1", 5, "https://shop.example/?utm_source=crm&utm_medium=email&utm_campaign=nov"),
      page("c2", 10, "https://shop.example/p/1")]) {
      await sendBatch(site, [msg]);
      await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ? AND message_id = ?", site.id, msg.messageId), (n) => n === 1);
    }
    const { results } = await env.DB.prepare("SELECT e.message_id AS m, s.channel FROM events e JOIN sessions s ON s.id = e.session_id WHERE e.site_id = ? ORDER BY e.ts")
      .bind(site.id).all();
    expect(results).toEqual([{ m: "c0", channel: "direct" }, { m: "c1", channel: "email" }, { m: "c2", channel: "email" }]);
  });

  it("answers /health without auth and serves the e-mail pixel and only listed redirects", async () => {
    const site = await createSite();
    expect(await (await SELF.fetch(`${BASE}/health`)).json()).toEqual({ ok: true });
    const pixel = await SELF.fetch(`${BASE}/t/o.gif?k=${site.writeKey}&u=mail-user&c=nov`);
    expect(pixel.status).toBe(200);
    expect(pixel.headers.get("content-type")).toBe("image/gif");
    const good = await SELF.fetch(`${BASE}/t/c?k=${site.writeKey}&u=mail-user&c=nov&to=${encodeURIComponent("https://shop.example/p/1")}`, { redirect: "manual" });
    expect(good.status).toBe(302);
    expect(good.headers.get("location")).toBe("https://shop.example/p/1");
    for (const to of ["https://evil.example/", "https://shop.example.evil.example/", "javascript:alert(1)", "//evil.example"]) {
      const bad = await SELF.fetch(`${BASE}/t/c?k=${site.writeKey}&u=x&to=${encodeURIComponent(to)}`, { redirect: "manual" });
      expect(bad.status, to).toBe(400);
      expect(bad.headers.get("location")).toBeNull();
    }
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ? AND channel = 'email'", site.id), (n) => n === 2);
  });
});
