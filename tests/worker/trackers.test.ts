// The wire of the browser trackers sites already run, through the real worker, queue and D1:
// Segment's analytics.js (settings, short routes, `Authorization: Basic <writeKey>:`) and
// Plausible's script. End-to-end runs of their published code are in tests/e2e/trackers.test.ts.
import { env, SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { BASE, basic, countRows, createSite, read, waitFor, type TestSite } from "./helpers";

const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** As analytics.js posts: text/plain, the write key as the Basic user and in the body. */
function analyticsJs(site: TestSite, path: string, body: Record<string, unknown>, opts: { origin?: string; user?: string } = {}) {
  return SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    headers: { "content-type": "text/plain", authorization: basic(opts.user ?? site.writeKey), origin: opts.origin ?? "https://shop.example", "user-agent": BROWSER_UA },
    body: JSON.stringify({ writeKey: site.writeKey, ...body }),
  });
}

describe("Segment analytics.js settings", () => {
  it("answers the settings analytics.js reads, pointing its Segment.io destination back at this worker", async () => {
    const site = await createSite();
    const res = await SELF.fetch(`${BASE}/v1/projects/${site.writeKey}/settings`, { headers: { origin: "https://anywhere.example" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
    const settings = await res.json<any>();
    expect(Object.keys(settings.integrations)).toEqual(["Segment.io"]);
    expect(settings.integrations["Segment.io"]).toMatchObject({ apiKey: site.writeKey, apiHost: "parcours.test/v1", protocol: "http" });
    expect(settings.metrics.sampleRate).toBe(0);

    // The host it names is the one asked, so a deployed worker points at its own URL.
    const deployed = await SELF.fetch(`https://t.shop.example/v1/projects/${site.writeKey}/settings`);
    expect((await deployed.json<any>()).integrations["Segment.io"]).toMatchObject({ apiHost: "t.shop.example/v1", protocol: "https" });
  });

  it("answers an unknown write key with 404 and a JSON error the page can read", async () => {
    await createSite();
    const res = await SELF.fetch(`${BASE}/v1/projects/no-such-key/settings`, { headers: { origin: "https://shop.example" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "no site has this write key", field: "writeKey" } });
  });

  it("lets the preflight of an allowed origin send Authorization and X-Retry-Count", async () => {
    await createSite({ allowedOrigins: ["https://preflight-ajs.example"] });
    const ask = (origin: string) => SELF.fetch(`${BASE}/v1/t`, {
      method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type,x-retry-count" },
    });
    const ok = await ask("https://preflight-ajs.example");
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://preflight-ajs.example");
    expect(ok.headers.get("access-control-allow-headers")?.split(/,\s*/).sort()).toEqual(["authorization", "content-type", "x-retry-count"]);
    expect((await ask("https://evil.example")).headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("Segment analytics.js messages", () => {
  it("stores each short route as its message type", async () => {
    const site = await createSite();
    const sends: [string, Record<string, unknown>][] = [
      ["/v1/p", { type: "page", anonymousId: "ajs-a", messageId: "short-p", properties: { path: "/pricing", url: "https://shop.example/pricing" } }],
      ["/v1/t", { type: "track", anonymousId: "ajs-a", messageId: "short-t", event: "signup" }],
      ["/v1/i", { type: "identify", anonymousId: "ajs-a", userId: "ajs-user", messageId: "short-i", traits: { plan: "pro" } }],
      ["/v1/g", { type: "group", anonymousId: "ajs-a", userId: "ajs-user", messageId: "short-g", groupId: "acme" }],
      ["/v1/a", { type: "alias", userId: "ajs-user", previousId: "ajs-a", messageId: "short-a" }],
      ["/v1/s", { type: "screen", anonymousId: "ajs-a", messageId: "short-s", name: "Home" }],
    ];
    for (const [path, body] of sends) {
      const res = await analyticsJs(site, path, { ...body, timestamp: iso(Date.now()), sentAt: iso(Date.now()) });
      expect(res.status, path).toBe(200);
      expect(await res.json(), path).toEqual({ accepted: 1, rejected: [], filtered: 0 });
      expect(res.headers.get("access-control-allow-origin"), path).toBe("https://shop.example");
    }
    const stored = await waitFor(() => read(site, "/events"), (r) => r.events.length === sends.length);
    const typeOf = new Map(stored.events.map((e: any) => [e.messageId, e.type]));
    expect(typeOf).toEqual(new Map(sends.map(([, b]) => [b.messageId, b.type])));
  });

  it("never gives a write key sent as the Basic user a secret key's rights", async () => {
    const site = await createSite();
    const now = Date.now();
    const old = { type: "track", event: "old_order", anonymousId: "ajs-b", timestamp: iso(now - 3 * 24 * HOUR) };
    const fresh = { type: "track", event: "fresh", anonymousId: "ajs-b", timestamp: iso(now) };

    // Backdating past 24 h is refused per message: its neighbour in the batch is kept.
    const batch = await analyticsJs(site, "/v1/b", { batch: [{ ...old, messageId: "wk-old" }, { ...fresh, messageId: "wk-fresh" }], sentAt: iso(now) });
    expect(batch.status).toBe(200);
    expect(await batch.json()).toMatchObject({ accepted: 1, rejected: [{ index: 0, messageId: "wk-old", error: { code: "invalid_field", field: "timestamp" } }] });
    const single = await analyticsJs(site, "/v1/t", { ...old, messageId: "wk-old-2", sentAt: iso(now) });
    expect(await single.json()).toMatchObject({ accepted: 0, rejected: [{ messageId: "wk-old-2", error: { field: "timestamp" } }] });

    // The origin is still checked, whichever way the write key comes.
    for (const path of ["/v1/t", "/v1/b"]) {
      const body = path === "/v1/b" ? { batch: [{ ...fresh, messageId: "wk-evil-b" }] } : { ...fresh, messageId: "wk-evil-t" };
      const evil = await analyticsJs(site, path, body, { origin: "https://evil.example" });
      expect(evil.status, path).toBe(403);
      expect(evil.headers.get("access-control-allow-origin"), path).toBeNull();
      const onlyBasic = await SELF.fetch(`${BASE}${path}`, { method: "POST", body: JSON.stringify(body),
        headers: { authorization: basic(site.writeKey), origin: "https://evil.example", "content-type": "text/plain" } });
      expect(onlyBasic.status, path).toBe(403);
    }

    // The secret key as the Basic user is a server: it may backfill the same message.
    const server = await analyticsJs(site, "/v1/t", { ...old, messageId: "sk-old" }, { user: site.secretKey });
    expect(await server.json()).toMatchObject({ accepted: 1, rejected: [] });
    const stored = await waitFor(() => read(site, "/events?limit=50"), (r) => r.events.length === 2);
    expect(stored.events.map((e: any) => e.messageId).sort()).toEqual(["sk-old", "wk-fresh"]);
    expect(await countRows("SELECT count(*) AS n FROM events WHERE site_id = ? AND message_id LIKE 'wk-old%'", site.id)).toBe(0);
  });

  it("corrects the browser's clock by sentAt, per message and per batch, as analytics.js sends them", async () => {
    const site = await createSite();
    const skew = 5 * HOUR; // the visitor's clock runs five hours ahead
    const before = Date.now();
    const single = await analyticsJs(site, "/v1/t", {
      type: "track", event: "skewed_one", anonymousId: "ajs-c", messageId: "skew-1", timestamp: iso(before + skew - 60_000), sentAt: iso(before + skew),
    });
    expect(await single.json()).toMatchObject({ accepted: 1 });
    // The batching dispatcher drops each message's sentAt and sends one for the batch.
    const batch = await analyticsJs(site, "/v1/b", {
      batch: [{ type: "track", event: "skewed_batch", anonymousId: "ajs-c", messageId: "skew-2", timestamp: iso(before + skew - 120_000) }], sentAt: iso(before + skew),
    });
    expect(await batch.json()).toMatchObject({ accepted: 1 });
    const after = Date.now();
    const stored = await waitFor(() => read(site, "/events"), (r) => r.events.length === 2);
    const at = new Map(stored.events.map((e: any) => [e.messageId, typeof e.timestamp === "number" ? e.timestamp : Date.parse(e.timestamp)]));
    expect(at.get("skew-1")).toBeGreaterThanOrEqual(before - 60_000);
    expect(at.get("skew-1")).toBeLessThanOrEqual(after - 60_000);
    expect(at.get("skew-2")).toBeGreaterThanOrEqual(before - 120_000);
    expect(at.get("skew-2")).toBeLessThanOrEqual(after - 120_000);
  });
});

describe("Plausible's tracker", () => {
  // Storage lasts the whole file and a domain finds the first site that allows it: one domain per test.
  let DOMAIN = "";
  const page = (path: string) => `https://${DOMAIN}${path}`;
  beforeEach(() => { DOMAIN = `plausible-${crypto.randomUUID().slice(0, 8)}.example`; });

  /** As Plausible's tracker posts: text/plain JSON with short keys, from the site's page. */
  const plausible = (body: unknown, opts: { origin?: string; raw?: string } = {}) => SELF.fetch(`${BASE}/api/event`, {
    method: "POST",
    headers: { "content-type": "text/plain", origin: opts.origin ?? `https://${DOMAIN}`, "user-agent": BROWSER_UA, "cf-connecting-ip": "198.51.100.7" },
    body: opts.raw ?? JSON.stringify(body),
  });

  it("answers 202 with CORS, and every refusal too, with its status and the key it names", async () => {
    await createSite({ allowedOrigins: [`https://${DOMAIN}`] });
    const ok = await plausible({ n: "pageview", u: page("/"), d: DOMAIN, r: null });
    expect(ok.status).toBe(202);
    expect(ok.headers.get("access-control-allow-origin")).toBe(`https://${DOMAIN}`);

    const refusals: [string, Parameters<typeof plausible>, number, string | undefined][] = [
      ["broken JSON", [null, { raw: "{\"n\":" }], 400, undefined],
      ["no event name", [{ u: page("/"), d: DOMAIN }], 400, "n"],
      ["a relative url", [{ n: "pageview", u: "/x", d: DOMAIN }], 400, "u"],
      ["an unknown domain", [{ n: "pageview", u: page("/"), d: "nobody.example" }], 401, "d"],
      ["another site's page", [{ n: "pageview", u: page("/"), d: DOMAIN }, { origin: "https://evil.example" }], 403, undefined],
      ["revenue without an amount", [{ n: "Purchase", u: page("/"), d: DOMAIN, $: { currency: "EUR" } }], 400, "$.amount"],
      ["engagement without engaged time", [{ n: "engagement", u: page("/"), d: DOMAIN, sd: 40 }], 400, "e"],
    ];
    for (const [label, args, status, field] of refusals) {
      const res = await plausible(...args);
      expect(res.status, label).toBe(status);
      expect(res.headers.get("access-control-allow-origin"), label).toBe(args[1]?.origin ?? `https://${DOMAIN}`);
      const { error } = await res.json<any>();
      expect(error.message.length, label).toBeGreaterThan(0);
      expect(error.field, label).toBe(field);
    }
    const pre = await SELF.fetch(`${BASE}/api/event`, { method: "OPTIONS", headers: { origin: "https://any.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("https://any.example");
    expect(pre.headers.get("access-control-allow-headers")).toBe("content-type");
  });

  it("stores short-key events with props, revenue and hash routes, and the same page viewed twice as two views", async () => {
    const site = await createSite({ allowedOrigins: [`https://${DOMAIN}`], conversions: ["Purchase"] });
    const sends = [
      { n: "pageview", u: page("/app?utm_source=newsletter&utm_medium=email#/plans"), d: DOMAIN, r: null, h: 1, v: 36 },
      { n: "pageview", u: page("/app?utm_source=newsletter&utm_medium=email#/plans"), d: DOMAIN, r: null, h: 1, v: 36 },
      { n: "Purchase", u: page("/app#/checkout"), d: DOMAIN, p: { plan: "pro" }, $: { amount: "49.5", currency: "EUR" }, h: 1, v: 36 },
      // The documented long keys keep working.
      { name: "Signup", url: page("/signup"), domain: DOMAIN, referrer: "https://www.google.com/", props: { from: "hero" } },
    ];
    for (const b of sends) expect((await plausible(b)).status).toBe(202);
    const { events } = await waitFor(() => read(site, "/events"), (r) => r.events.length === sends.length);
    expect(events).toHaveLength(sends.length);
    const views = events.filter((e: any) => e.type === "page");
    expect(views).toHaveLength(2);
    expect(new Set(views.map((e: any) => e.messageId)).size).toBe(2);
    const purchase = events.find((e: any) => e.event === "Purchase");
    expect(purchase.properties).toEqual({ plan: "pro", revenue: 49.5, currency: "EUR" });
    expect(events.find((e: any) => e.event === "Signup").properties).toEqual({ from: "hero" });
    // One cookieless visitor (same IP and agent, same day), whose first view came from the newsletter.
    expect(new Set(events.map((e: any) => e.anonymousId)).size).toBe(1);
    expect(events[0].anonymousId).toMatch(/^c-/);
    const paths = await env.DB.prepare("SELECT path, channel, revenue FROM events WHERE site_id = ? ORDER BY ts, id").bind(site.id).all<any>();
    expect(paths.results.map((r) => r.path)).toEqual(["/app#/plans", "/app#/plans", "/app#/checkout", "/signup"]);
    expect(paths.results[0].channel).toBe("email");
    expect(paths.results[2].revenue).toBe(49.5);
  });

  it("stores engagement as the page's engagement: not an event, a page view, a session or a touchpoint", async () => {
    const site = await createSite({ allowedOrigins: [`https://${DOMAIN}`] });
    expect((await plausible({ n: "pageview", u: page("/guide"), d: DOMAIN, r: "https://news.example/" })).status).toBe(202);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (n) => n === 1);
    const before = await read(site, "/overview");
    // Reports come as the visitor leaves the tab: each carries the time since the last one.
    expect((await plausible({ n: "engagement", u: page("/guide"), d: DOMAIN, sd: 35, e: 4000, v: 36 })).status).toBe(202);
    expect((await plausible({ n: "engagement", u: page("/guide"), d: DOMAIN, sd: 80, e: 6000, v: 36 })).status).toBe(202);
    const rows = await waitFor(
      () => env.DB.prepare("SELECT ident_key, path, scroll_depth, engaged_ms FROM page_engagement WHERE site_id = ? ORDER BY scroll_depth").bind(site.id).all<any>(),
      (r) => r.results.length === 2);
    expect(rows.results.map((r) => [r.path, r.scroll_depth, r.engaged_ms])).toEqual([["/guide", 35, 4000], ["/guide", 80, 6000]]);
    const [view] = (await read(site, "/events")).events;
    expect(rows.results.every((r) => r.ident_key === `a:${view.anonymousId}`)).toBe(true);
    expect((await read(site, "/events")).events).toHaveLength(1);
    expect(await countRows("SELECT count(*) AS n FROM sessions WHERE site_id = ?", site.id)).toBe(1);
    const after = await read(site, "/overview");
    expect(after).toMatchObject({ events: before.events, sessions: before.sessions, touchpoints: before.touchpoints });

    // Shown per page beside the vitals: one visit, its deepest scroll, its engaged time summed.
    // A second visitor's report on the same page makes a second visit.
    expect((await SELF.fetch(`${BASE}/api/event`, { method: "POST", body: JSON.stringify({ n: "engagement", u: page("/guide"), d: DOMAIN, sd: 20, e: 1000 }),
      headers: { "content-type": "text/plain", origin: `https://${DOMAIN}`, "user-agent": BROWSER_UA, "cf-connecting-ip": "198.51.100.99" } })).status).toBe(202);
    const vitals = await waitFor(() => read(site, "/vitals"), (v) => v.pages[0]?.engagement?.samples === 3);
    expect(vitals.pages).toEqual([{ path: "/guide", samples: 0, metrics: {}, engagement: { visits: 2, samples: 3, scrollDepthAvg: 50, engagedMsAvg: 5500 } }]);

    // The visitor's reports are theirs: exported with their events, erased with them.
    const admin = { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}` };
    const person = `${BASE}/api/admin/sites/${site.id}/people/${view.anonymousId}`;
    const exported = await (await SELF.fetch(`${person}/export`, { headers: admin })).json<any>();
    expect(exported.engagement.map((r: any) => [r.path, r.scrollDepth, r.engagedMs]).sort()).toEqual([["/guide", 35, 4000], ["/guide", 80, 6000]]);
    expect((await SELF.fetch(person, { method: "DELETE", headers: admin })).status).toBe(200);
    expect(await countRows("SELECT count(*) AS n FROM page_engagement WHERE site_id = ? AND ident_key = ?", site.id, `a:${view.anonymousId}`)).toBe(0);
    expect(await countRows("SELECT count(*) AS n FROM page_engagement WHERE site_id = ?", site.id)).toBe(1);
  });
});
