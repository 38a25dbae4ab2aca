// The wire of the browser trackers sites already run, through the real worker, queue and D1:
// Segment's analytics.js (settings, short routes, `Authorization: Basic <writeKey>:`) and
// Plausible's script. End-to-end runs of their published code are in tests/e2e/trackers.test.ts.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
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
