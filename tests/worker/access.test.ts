// Who gets in: read API, admin API, dashboard login, key storage and rotation, CORS, headers.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, basic, createSite, sendBatch } from "./helpers";

const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`${BASE}${path}`, { headers });
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

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

  it("keeps the admin API behind the admin token", async () => {
    const site = await createSite();
    for (const t of [null, site.readToken, site.secretKey, site.writeKey]) {
      const res = await get("/api/admin/sites", t ? bearer(t) : {});
      expect(res.status, String(t)).toBe(401);
    }
    const create = await SELF.fetch(`${BASE}/api/admin/sites`, { method: "POST", headers: bearer(site.readToken), body: "{}" });
    expect(create.status).toBe(401);
  });

  it("stores secret keys and read tokens hashed, never in plain text", async () => {
    const site = await createSite();
    const row = await env.DB.prepare("SELECT * FROM sites WHERE id = ?").bind(site.id).first();
    const dump = JSON.stringify(row);
    expect(dump).not.toContain(site.secretKey);
    expect(dump).not.toContain(site.readToken);
    expect(dump).toContain(site.writeKey); // public by nature: it sits in every page
  });
});

describe("key rotation", () => {
  it("keeps the old secret working through the grace period, and stops it without one", async () => {
    const site = await createSite();
    const rotate = async (graceHours: number) => (await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/rotate`, {
      method: "POST", headers: { ...bearer(env.PARCOURS_ADMIN_TOKEN), "content-type": "application/json" },
      body: JSON.stringify({ key: "secret", graceHours }),
    })).json<any>();
    const msg = (id: string) => [{ type: "track", event: "r", userId: "u", messageId: id }];
    const first = await rotate(1);
    expect((await sendBatch(site, msg("r1"))).status).toBe(200); // old secret, in grace
    expect((await sendBatch({ ...site, secretKey: first.secretKey }, msg("r2"))).status).toBe(200);
    const second = await rotate(0);
    expect((await sendBatch({ ...site, secretKey: first.secretKey }, msg("r3"))).status).toBe(401);
    expect((await sendBatch({ ...site, secretKey: second.secretKey }, msg("r4"))).status).toBe(200);
  });
});

describe("browser surface", () => {
  it("answers CORS only for allowed origins", async () => {
    const site = await createSite();
    const send = (origin: string) => SELF.fetch(`${BASE}/v1/batch`, { method: "POST", headers: { origin, "content-type": "text/plain" },
      body: JSON.stringify({ writeKey: site.writeKey, batch: [{ type: "page", anonymousId: "c" }] }) });
    const bad = await send("https://evil.example");
    expect(bad.status).toBe(403);
    expect(bad.headers.get("access-control-allow-origin")).toBeNull();
    const good = await send("https://shop.example");
    expect(good.headers.get("access-control-allow-origin")).toBe("https://shop.example");
    // The read API is for the dashboard's own origin: no CORS at all.
    const read = await get(`/api/sites/${site.id}/overview`, { ...bearer(site.readToken), origin: "https://shop.example" });
    expect(read.headers.get("access-control-allow-origin")).toBeNull();
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
    const bad = await SELF.fetch(`${BASE}/api/login`, { method: "POST", body: JSON.stringify({ token: "nope" }) });
    expect(bad.status).toBe(401);
    const login = await SELF.fetch(`${BASE}/api/login`, { method: "POST", body: JSON.stringify({ token: a.readToken }) });
    expect(login.status).toBe(200);
    expect(await login.json()).toMatchObject({ sites: [{ id: a.id }], admin: false });
    const setCookie = login.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/parcours_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
    expect(setCookie).not.toContain("Secure"); // plain http here; over https the flag is set
    const cookie = setCookie.split(";")[0];
    expect((await get(`/api/sites/${a.id}/overview`, { cookie })).status).toBe(200);
    expect((await get(`/api/sites/${b.id}/overview`, { cookie })).status).toBe(401);
    expect((await get("/api/session", { cookie })).status).toBe(200);
    // A cookie edited to name another site no longer matches its signature.
    const [name, value] = cookie.split("=");
    const [body, sig] = value.split(".");
    const forged = btoa(atob(body.replace(/-/g, "+").replace(/_/g, "/")).replace(a.id, b.id)).replace(/=+$/, "");
    expect((await get(`/api/sites/${b.id}/overview`, { cookie: `${name}=${forged}.${sig}` })).status).toBe(401);
    const logout = await SELF.fetch(`${BASE}/api/logout`, { method: "POST", headers: { cookie } });
    expect(logout.status).toBe(204);
    expect(logout.headers.get("set-cookie")).toContain("Max-Age=0");
    const secure = await SELF.fetch("https://parcours.test/api/login", { method: "POST", body: JSON.stringify({ token: a.readToken }) });
    expect(secure.headers.get("set-cookie")).toContain("; Secure");
  });

  it("never stores a raw IP, whatever the sender puts where", async () => {
    const site = await createSite();
    const ip = "198.51.100.123";
    await SELF.fetch(`${BASE}/v1/batch`, {
      method: "POST",
      headers: { origin: "https://shop.example", "cf-connecting-ip": ip, "x-forwarded-for": `${ip}, 10.0.0.1`, "user-agent": "Mozilla/5.0 Firefox/131.0" },
      body: JSON.stringify({ writeKey: site.writeKey, batch: [{ type: "page", anonymousId: "ip", messageId: "ip-1", context: { ip, page: { url: "https://shop.example/" } } }] }),
    });
    await sendBatch(site, [{ type: "track", event: "srv", userId: "ip", messageId: "ip-2", context: { ip } }]);
    const until = Date.now() + 10_000;
    let rows: unknown[] = [];
    while (rows.length < 2 && Date.now() < until) {
      rows = (await env.DB.prepare("SELECT * FROM events WHERE site_id = ?").bind(site.id).all()).results;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows)).not.toContain(ip);
    const list = await env.ARCHIVE.list({ prefix: `raw/${site.id}/` });
    for (const o of list.objects) expect(await (await env.ARCHIVE.get(o.key))!.text()).not.toContain(ip);
  });
});
