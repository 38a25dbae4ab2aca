// Shared links: what a link's token opens (its site's read answers for its views, GET only) and
// what it never opens (another site, a view not granted, the admin or write API, anything once
// revoked or expired), checked through the real worker and D1.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, createSite, sendBatch, waitFor, type TestSite } from "./helpers";

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const get = (path: string, token: string) => SELF.fetch(`${BASE}${path}`, { headers: bearer(token) });
const admin = (path: string, init: { method?: string; body?: unknown } = {}) =>
  SELF.fetch(`${BASE}/api/admin${path}`, { method: init.method ?? "GET", headers: bearer(env.PARCOURS_ADMIN_TOKEN),
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body) });

async function share(site: TestSite, body?: unknown): Promise<{ id: string; url: string; token: string; views: string[] }> {
  const res = await admin(`/sites/${site.id}/shares`, { method: "POST", body });
  expect(res.status).toBe(201);
  const created = (await res.json()) as { id: string; url: string; views: string[] };
  const token = new URL(created.url).hash.replace(/^#share=/, "");
  return { ...created, token };
}

async function siteWithData(): Promise<TestSite> {
  const site = await createSite();
  const res = await sendBatch(site, [
    { type: "page", anonymousId: "a1", messageId: "s1", properties: { path: "/" } },
    { type: "track", event: "purchase", anonymousId: "a1", messageId: "s2", properties: { revenue: 10 } },
  ]);
  expect(res.status).toBe(200);
  await waitFor(() => SELF.fetch(`${BASE}/api/sites/${site.id}/overview`, { headers: bearer(site.readToken) }).then((r) => r.json() as Promise<{ events: number }>), (o) => o.events === 2);
  return site;
}

describe("shared links", () => {
  it("opens its site's answers for its views, and nothing else", async () => {
    const a = await siteWithData();
    const b = await createSite();
    const link = await share(a, { views: ["overview", "funnel"] });
    expect(link.url.startsWith(`${BASE}/#share=psh_`)).toBe(true);
    const overview = await get(`/api/sites/${a.id}/overview`, link.token);
    expect(overview.status).toBe(200);
    expect(((await overview.json()) as { events: number }).events).toBe(2);
    expect((await get(`/api/sites/${a.id}/funnel?steps=purchase`, link.token)).status).toBe(200);
    // The filter bar's channel list serves every view.
    expect((await get(`/api/sites/${a.id}/channels`, link.token)).status).toBe(200);
    // A view not granted, a person-level view, another site.
    for (const path of [`/api/sites/${a.id}/attribution`, `/api/sites/${a.id}/events`, `/api/sites/${a.id}/people/a1/timeline`, `/api/sites/${b.id}/overview`]) {
      expect((await get(path, link.token)).status, path).toBe(403);
    }
    // Never the admin API, never a write.
    expect((await get(`/api/admin/sites/${a.id}`, link.token)).status).toBe(403);
    expect((await get(`/api/admin/sites/${a.id}/shares`, link.token)).status).toBe(403);
    const write = await SELF.fetch(`${BASE}/api/sites/${a.id}/overview`, { method: "POST", headers: bearer(link.token) });
    expect(write.status).toBe(403);
    const ingest = await SELF.fetch(`${BASE}/v1/batch`, { method: "POST", body: JSON.stringify({ writeKey: link.token, batch: [{ type: "track", event: "x", anonymousId: "z" }] }) });
    expect(ingest.status).toBe(401);
    // What the dashboard asks first: the link's site and views.
    const session = await get("/api/share", link.token);
    expect(await session.json()).toEqual({ site: { id: a.id, name: expect.any(String) }, views: ["overview", "funnel"], expiresAt: null });
  });

  it("stores only a hash of the token, lists no token, and revokes at once, cached answers included", async () => {
    const a = await siteWithData();
    const link = await share(a, { views: ["overview"] });
    const stored = await env.DB.prepare("SELECT * FROM shares WHERE id = ?").bind(link.id).first<Record<string, unknown>>();
    expect(stored).not.toBeNull();
    expect(JSON.stringify(stored)).not.toContain(link.token);
    const listed = await (await admin(`/sites/${a.id}/shares`)).json() as { shares: Record<string, unknown>[] };
    expect(listed.shares.map((s) => s.id)).toEqual([link.id]);
    expect(JSON.stringify(listed)).not.toContain(link.token);

    const path = `/api/sites/${a.id}/overview`;
    expect((await get(path, link.token)).status).toBe(200);
    // Asked twice, the second comes from the answer cache.
    expect((await get(path, link.token)).headers.get("x-parcours-cache")).toBe("hit");
    expect((await admin(`/sites/${a.id}/shares/${link.id}`, { method: "DELETE" })).status).toBe(204);
    const after = await get(path, link.token);
    expect(after.status).toBe(401);
    const body = (await after.json()) as { error: { message: string }; events?: number };
    expect(body.error.message).toMatch(/revoked/);
    expect(body.events).toBeUndefined();
    expect((await get("/api/share", link.token)).status).toBe(401);
    // The site's own readers still get the cached answer.
    expect((await get(path, a.readToken)).status).toBe(200);
    expect((await admin(`/sites/${a.id}/shares/${link.id}`, { method: "DELETE" })).status).toBe(404);
  });

  it("stops at its expiry", async () => {
    const a = await siteWithData();
    const link = await share(a, { views: ["overview"], expiresAt: Date.now() + 1000 });
    const path = `/api/sites/${a.id}/overview`;
    expect((await get(path, link.token)).status).toBe(200);
    const after = await waitFor(() => get(path, link.token), (r) => r.status !== 200, 5000);
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { message: string } }).error.message).toMatch(/expired/);
  });

  it("refuses bad input naming the field, and only the admin creates links", async () => {
    const a = await createSite();
    for (const [body, field] of [[{ views: ["overview", "settings"] }, "views[1]"], [{ views: [] }, "views"], [{ expiresAt: Date.now() - 1 }, "expiresAt"], ["{", "body"]] as const) {
      const res = await admin(`/sites/${a.id}/shares`, { method: "POST", body });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
    }
    const byReader = await SELF.fetch(`${BASE}/api/admin/sites/${a.id}/shares`, { method: "POST", headers: bearer(a.readToken), body: "{}" });
    expect(byReader.status).toBe(401);
    expect((await admin(`/sites/nope/shares`)).status).toBe(404);
    // No body: the default, aggregate views, no expiry.
    const link = await share(a);
    expect(link.views).not.toContain("live");
    expect(link.views).toContain("overview");
  });
});
