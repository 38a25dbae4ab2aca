// Who gets in: read API, admin API, dashboard login, key storage and rotation, CORS, the click
// redirect, dashboard headers, and the one thing never kept: a raw IP.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, basic, createSite, sendBatch, waitFor, type TestSite } from "./helpers";

const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`${BASE}${path}`, { headers });
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const admin = (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
  SELF.fetch(`${BASE}/api/admin${path}`, { method: init.method ?? "GET", headers: init.headers ?? bearer(env.PARCOURS_ADMIN_TOKEN),
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body) });
const rotate = (site: TestSite, body: unknown) => admin(`/sites/${site.id}/rotate`, { method: "POST", body });
const login = (token: string, base = BASE) => SELF.fetch(`${base}/api/login`, { method: "POST", body: JSON.stringify({ token }) });
const track = (id: string) => [{ type: "track", event: "r", userId: "u", messageId: id }];

/** Every table of D1, every row, as one string: what a leak would have to hide from. */
async function dumpD1(): Promise<string> {
  const tables = (await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").all<{ name: string }>()).results;
  const dumps = await Promise.all(tables.map(async ({ name }) => JSON.stringify((await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results)));
  return dumps.join("\n");
}

// Every read path the dashboard uses: each one must sit behind the same gate.
const READ_PATHS = ["/events", "/overview", "/attribution?conversion=purchase", "/funnel?steps=a,b", "/paths?to=purchase", "/transitions",
  "/journeys/stats", "/stalled?started=a&expected=b&after=3d", "/churn?event=unsubscribe", "/retention", "/vitals", "/timeseries",
  "/channels", "/event-names", "/people/u1/timeline", "/roi", "/feedback", "/segments/value", "/at-risk"];

describe("read API access", () => {
  it("opens only with the site's read token (or the admin token); write and secret keys only write", async () => {
    const a = await createSite();
    const b = await createSite();
    const path = `/api/sites/${a.id}/overview`;
    expect((await get(path)).status).toBe(401);
    expect((await get(path, bearer("wrong"))).status).toBe(401);
    expect((await get(path, bearer(b.readToken))).status).toBe(401);
    expect((await get(path, bearer(a.writeKey))).status).toBe(403);
    expect((await get(path, bearer(a.secretKey))).status).toBe(403);
    expect((await get(path, { authorization: basic(a.secretKey) })).status).toBe(401);
    expect((await get(path, bearer(a.readToken))).status).toBe(200);
    expect((await get(path, bearer(env.PARCOURS_ADMIN_TOKEN))).status).toBe(200);
    // An unknown site looks like a refused one to an outsider: no site enumeration.
    expect((await get(`/api/sites/nope/overview`)).status).toBe(401);
  });

  it("keeps every read path behind the same gate", async () => {
    const a = await createSite();
    const b = await createSite();
    for (const p of READ_PATHS) {
      const path = `/api/sites/${a.id}${p}`;
      expect((await get(path)).status, p).toBe(401);
      expect((await get(path, bearer("pr_guessed"))).status, p).toBe(401);
      expect((await get(path, bearer(b.readToken))).status, p).toBe(401);
      expect((await get(path, bearer(a.writeKey))).status, p).toBe(403);
      expect((await get(path, bearer(a.secretKey))).status, p).toBe(403);
      // With the right token the gate opens (the answer itself may still be a 400 for a parameter).
      expect([401, 403], p).not.toContain((await get(path, bearer(a.readToken))).status);
    }
  });

  it("keeps the admin API behind the admin token: no site key, no dashboard session opens it", async () => {
    const site = await createSite();
    const adminCookie = (await login(env.PARCOURS_ADMIN_TOKEN)).headers.get("set-cookie")!.split(";")[0];
    const routes: [string, string][] = [["GET", "/sites"], ["POST", "/sites"], ["GET", `/sites/${site.id}`], ["PATCH", `/sites/${site.id}`],
      ["POST", `/sites/${site.id}/rotate`], ["GET", "/stats"], ["GET", "/dead-letters"], ["POST", "/replay"],
      ["GET", `/sites/${site.id}/people/u1/export`], ["DELETE", `/sites/${site.id}/people/u1`]];
    for (const [method, path] of routes) {
      for (const headers of [{}, bearer(site.readToken), bearer(site.secretKey), bearer(site.writeKey), { authorization: basic(env.PARCOURS_ADMIN_TOKEN) }, { cookie: adminCookie }] as Record<string, string>[]) {
        const res = await admin(path, { method, headers, body: method === "GET" || method === "DELETE" ? undefined : "{}" });
        expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401);
      }
    }
    // The refused PATCH and rotate changed nothing: the keys still work.
    expect((await sendBatch(site, track("still"))).status).toBe(200);
  });

  it("stores secret keys and read tokens hashed, never in plain text, before and after rotation", async () => {
    const site = await createSite();
    const secret = await (await rotate(site, { key: "secret", graceHours: 1 })).json<any>();
    const read = await (await rotate(site, { key: "read" })).json<any>();
    const dump = await dumpD1();
    for (const plain of [site.secretKey, site.readToken, secret.secretKey, read.readToken]) expect(dump).not.toContain(plain);
    expect(dump).toContain(site.writeKey); // public by nature: it sits in every page
  });
});

describe("key rotation", () => {
  it("keeps the old secret working through the grace period, and stops it without one", async () => {
    const site = await createSite();
    const first = await (await rotate(site, { key: "secret", graceHours: 1 })).json<any>();
    expect((await sendBatch(site, track("r1"))).status).toBe(200); // old secret, in grace
    expect((await sendBatch({ ...site, secretKey: first.secretKey }, track("r2"))).status).toBe(200);
    const second = await (await rotate(site, { key: "secret", graceHours: 0 })).json<any>();
    expect((await sendBatch({ ...site, secretKey: first.secretKey }, track("r3"))).status).toBe(401);
    expect((await sendBatch({ ...site, secretKey: second.secretKey }, track("r4"))).status).toBe(200);
  });

  it("ends the old secret when its grace ends, even right after it was used", async () => {
    const site = await createSite();
    const rotated = await (await rotate(site, { key: "secret", graceHours: 1 / 3600 })).json<any>(); // one second
    expect((await sendBatch(site, track("g1"))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1200));
    expect((await sendBatch(site, track("g2"))).status).toBe(401);
    expect((await sendBatch({ ...site, secretKey: rotated.secretKey }, track("g3"))).status).toBe(200);
  });

  it("rotates the read token at once, and refuses a malformed rotation without touching the keys", async () => {
    const site = await createSite();
    const { readToken } = await (await rotate(site, { key: "read" })).json<any>();
    expect((await get(`/api/sites/${site.id}/overview`, bearer(site.readToken))).status).toBe(401);
    expect((await get(`/api/sites/${site.id}/overview`, bearer(readToken))).status).toBe(200);
    for (const body of ["null", "[]", "\"secret\"", { key: "nope" }, { key: "secret", graceHours: "abc" }, { key: "secret", graceHours: null }]) {
      const res = await rotate(site, body);
      expect(res.status, JSON.stringify(body)).toBe(typeof body === "object" && body.graceHours === null ? 200 : 400);
    }
    // Only the graceHours-null rotation (the default grace) happened: the first secret still works, in grace.
    expect((await sendBatch(site, track("after"))).status).toBe(200);
  });
});

describe("browser surface", () => {
  it("answers CORS only for allowed origins, on every browser route", async () => {
    const site = await createSite({ allowedOrigins: ["https://shop.example", "https://*.blog.example"] });
    const send = (path: string, origin: string, body: unknown) => SELF.fetch(`${BASE}${path}`, {
      method: "POST", headers: { origin, "content-type": "text/plain" }, body: JSON.stringify(body) });
    const bodies: [string, unknown][] = [
      ["/v1/batch", { writeKey: site.writeKey, batch: [{ type: "page", anonymousId: "c" }] }],
      ["/v1/track", { writeKey: site.writeKey, event: "e", anonymousId: "c" }],
      ["/api/event", { name: "pageview", url: "https://shop.example/", domain: site.id }],
    ];
    for (const [path, body] of bodies) {
      for (const origin of ["https://evil.example", "null", "https://shop.example.evil.example", "http://shop.example", "https://shop.example:8443",
        "https://a.b.blog.example", "https://blog.example"]) {
        const bad = await send(path, origin, body);
        expect(bad.status, `${path} ${origin}`).toBe(403);
        // Plausible's endpoint lets every page read its answers, refusals included (as Plausible
        // does): reading "not allowed" grants nothing. Segment's routes answer only allowed origins.
        expect(bad.headers.get("access-control-allow-origin"), `${path} ${origin}`).toBe(path === "/api/event" ? origin : null);
      }
      for (const origin of ["https://shop.example", "https://news.blog.example"]) {
        const good = await send(path, origin, body);
        expect(good.status, `${path} ${origin}`).toBeLessThan(300);
        expect(good.headers.get("access-control-allow-origin"), `${path} ${origin}`).toBe(origin);
      }
    }
    // The read API is for the dashboard's own origin: no CORS at all.
    const read = await get(`/api/sites/${site.id}/overview`, { ...bearer(site.readToken), origin: "https://shop.example" });
    expect(read.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("redirects e-mail clicks only to listed hosts, whatever the URL trick", async () => {
    const site = await createSite({ redirectHosts: ["shop.example"] });
    const click = (to: string) => SELF.fetch(`${BASE}/t/c?k=${site.writeKey}&u=x&to=${encodeURIComponent(to)}`, { redirect: "manual" });
    for (const to of ["https://evil.example", "https://shop.example.evil.example", "https://evil.example/?shop.example", "//evil.example",
      "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "https://shop.example@evil.example",
      "https://shop.example%2F@evil.example", "https://evil.example#@shop.example", "https://evil.example\\@shop.example",
      "https:\\\\evil.example", "https:/\\evil.example", "/\\evil.example", "\\\\evil.example", "https://shop.example./", "https://shop.example:8443.evil.example/",
      "https://evil.example/https://shop.example", "ftp://shop.example/", "https://shop.example\r\nSet-Cookie: a=b"]) {
      const res = await click(to);
      expect(res.status, to).toBe(400);
      expect(res.headers.get("location"), to).toBeNull();
    }
    // Spellings of the listed host itself may redirect, and then only to it.
    for (const [to, location] of [["https://SHOP.EXAMPLE/p", "https://shop.example/p"], ["https://shop.example:8443/p", "https://shop.example:8443/p"],
      ["http://shop.example/p", "http://shop.example/p"], ["https://shop.example\\@evil.example", "https://shop.example/@evil.example"]]) {
      const res = await click(to);
      expect(res.status, to).toBe(302);
      expect(res.headers.get("location"), to).toBe(location);
      expect(new URL(res.headers.get("location")!).hostname, to).toBe("shop.example");
    }
  });

  it("sends the dashboard with CSP, frame-ancestors 'none', nosniff and DENY", async () => {
    const res = await get("/");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
  });

  it("logs in with a read token into an HttpOnly SameSite=Strict cookie that opens that site only", async () => {
    const a = await createSite();
    const b = await createSite();
    for (const token of ["nope", a.writeKey, a.secretKey]) expect((await login(token)).status, token).toBe(401); // write keys only write
    const ok = await login(a.readToken);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ sites: [{ id: a.id }], admin: false });
    const setCookie = ok.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/parcours_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
    expect(setCookie).not.toContain("Secure"); // plain http here; over https the flag is set
    const cookie = setCookie.split(";")[0];
    expect((await get(`/api/sites/${a.id}/overview`, { cookie })).status).toBe(200);
    expect((await get(`/api/sites/${b.id}/overview`, { cookie })).status).toBe(401);
    expect(await (await get("/api/session", { cookie })).json()).toEqual({ signedIn: true, sites: [{ id: a.id, name: expect.any(String) }], admin: false });
    // A cookie edited to name another site, or with its signature changed, is refused.
    const [name, value] = cookie.split("=");
    const [body, sig] = value.split(".");
    const forged = btoa(atob(body.replace(/-/g, "+").replace(/_/g, "/")).replace(a.id, b.id)).replace(/=+$/, "");
    expect((await get(`/api/sites/${b.id}/overview`, { cookie: `${name}=${forged}.${sig}` })).status).toBe(401);
    const flipped = sig.slice(0, -1) + (sig.endsWith("0") ? "1" : "0");
    expect((await get(`/api/sites/${a.id}/overview`, { cookie: `${name}=${body}.${flipped}` })).status).toBe(401);
    expect((await get(`/api/sites/${a.id}/overview`, { cookie: `${name}=${body}` })).status).toBe(401);
    const logout = await SELF.fetch(`${BASE}/api/logout`, { method: "POST", headers: { cookie } });
    expect(logout.status).toBe(204);
    expect(logout.headers.get("set-cookie")).toMatch(/^parcours_session=; .*Max-Age=0/);
    const secure = await login(a.readToken, "https://parcours.test");
    expect(secure.headers.get("set-cookie")).toContain("; Secure");
  });

  it("never stores a raw IP, whatever the route and wherever the sender puts it", async () => {
    const site = await createSite({ redirectHosts: ["shop.example"] });
    const ips = ["198.51.100.123", "2001:db8:85a3::8a2e:370:7334"];
    const headers = (ip: string) => ({ "cf-connecting-ip": ip, "x-forwarded-for": `${ip}, 10.0.0.1`, "x-real-ip": ip,
      "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0" });
    for (const [i, ip] of ips.entries()) {
      const browser = { ...headers(ip), origin: "https://shop.example", "content-type": "text/plain" };
      const post = (path: string, body: unknown, h: Record<string, string> = browser) =>
        SELF.fetch(`${BASE}${path}`, { method: "POST", headers: h, body: JSON.stringify(body) });
      const ctx = { ip, page: { url: "https://shop.example/" } };
      await post("/v1/batch", { writeKey: site.writeKey, batch: [{ type: "page", anonymousId: "ip", messageId: `ip-${i}-page`, context: ctx },
        // A bot's message is kept aside (filtered_events), with its IP just as absent.
        { type: "page", anonymousId: "bot", messageId: `ip-${i}-bot`, context: { ...ctx, userAgent: "Googlebot/2.1 (+http://www.google.com/bot.html)" } }] });
      await post("/v1/identify", { writeKey: site.writeKey, userId: `ip-user-${i}`, anonymousId: "ip", messageId: `ip-${i}-id`, traits: { plan: "pro" }, context: ctx });
      await post("/v1/batch", { batch: [{ type: "track", event: "srv", userId: "ip", messageId: `ip-${i}-srv`, context: ctx }] },
        { ...headers(ip), authorization: basic(site.secretKey) });
      // Plausible's path hashes the IP into a daily visitor id; the IP itself must not follow.
      await post("/api/event", { name: "pageview", url: `https://shop.example/${i}`, domain: site.id });
      // Privacy mode swaps the anonymousId for that same hash.
      await post("/v1/track", { writeKey: site.writeKey, event: "private", anonymousId: "p", messageId: `ip-${i}-gpc`, context: { ...ctx, privacy: { gpc: true } } });
      await get(`/t/o.gif?k=${site.writeKey}&u=mail-${i}&c=nov`, headers(ip));
      await SELF.fetch(`${BASE}/t/c?k=${site.writeKey}&u=mail-${i}&c=nov&to=${encodeURIComponent("https://shop.example/")}`, { headers: headers(ip), redirect: "manual" });
    }
    // 7 events and 1 filtered per IP: wait until all are stored, so nothing is still on its way.
    const count = async () => (await env.DB.prepare("SELECT (SELECT count(*) FROM events WHERE site_id = ?1) + (SELECT count(*) FROM filtered_events WHERE site_id = ?1) AS n").bind(site.id).first<number>("n"))!;
    expect(await waitFor(count, (n) => n === 8 * ips.length)).toBe(8 * ips.length);
    const dump = await dumpD1();
    const archive = await env.ARCHIVE.list({ prefix: `raw/${site.id}/` });
    expect(archive.objects.length).toBeGreaterThan(0);
    const objects = await Promise.all(archive.objects.map(async (o) => (await env.ARCHIVE.get(o.key))!.text()));
    for (const ip of ips) {
      expect(dump).not.toContain(ip);
      for (const text of objects) expect(text).not.toContain(ip);
    }
    expect(dump).toContain("ip-0-page"); // the dump does hold the events it was searched for
  });
});

describe("dashboard sessions end with the token that opened them", () => {
  it("a read-token rotation ends its cookie sessions", async () => {
    const { env: e, SELF: S } = await import("cloudflare:test");
    const { createSite } = await import("./helpers");
    const site = await createSite();
    const login = await S.fetch("http://parcours.test/api/login", { method: "POST", body: JSON.stringify({ token: site.readToken }) });
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    const overview = () => S.fetch(`http://parcours.test/api/sites/${site.id}/overview`, { headers: { cookie } });
    expect((await overview()).status).toBe(200);
    await S.fetch(`http://parcours.test/api/admin/sites/${site.id}/rotate`, {
      method: "POST", headers: { authorization: `Bearer ${e.PARCOURS_ADMIN_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ key: "read" }),
    });
    expect((await overview()).status).toBe(401);
    const session = await S.fetch("http://parcours.test/api/session", { headers: { cookie } });
    // Signed out is answered 200, not 401: the dashboard's first load is a normal state.
    expect(session.status).toBe(200);
    expect(await session.json()).toEqual({ signedIn: false });
  });
});

describe("preflight", () => {
  it("answers CORS preflights only for origins some site allows", async () => {
    const { SELF: S } = await import("cloudflare:test");
    const { createSite } = await import("./helpers");
    await createSite({ allowedOrigins: ["https://preflight.example"] });
    const ask = (origin: string) => S.fetch("http://parcours.test/v1/batch", {
      method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect((await ask("https://preflight.example")).headers.get("access-control-allow-origin")).toBe("https://preflight.example");
    expect((await ask("https://evil.example")).headers.get("access-control-allow-origin")).toBeNull();
  });
});
