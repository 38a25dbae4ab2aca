import { createExecutionContext, createScheduledController, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../edge/src/index";
import { BASE, countRows, createSite, read, sendBatch, waitFor } from "./helpers";

const admin = { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}` };

function browserPost(site: { writeKey: string }, ip: string, batch: unknown[]) {
  return SELF.fetch(`${BASE}/v1/batch`, {
    method: "POST",
    headers: { origin: "https://shop.example", "cf-connecting-ip": ip, "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/131.0" },
    body: JSON.stringify({ writeKey: site.writeKey, batch }),
  });
}

describe("cookieless mode and privacy signals", () => {
  it("replaces the device id with a daily visitor hash and drops identify under GPC", async () => {
    const site = await createSite();
    const privacy = { cookieless: true };
    await browserPost(site, "192.0.2.1", [
      { type: "page", anonymousId: "random-1", messageId: "ck1", context: { privacy } },
      { type: "page", anonymousId: "random-2", messageId: "ck2", context: { privacy } },
    ]);
    await browserPost(site, "192.0.2.2", [{ type: "page", anonymousId: "random-3", messageId: "ck3", context: { privacy } }]);
    const gpc = await browserPost(site, "192.0.2.3", [
      { type: "identify", anonymousId: "dev-9", userId: "ada", messageId: "gpc-id", context: { privacy: { gpc: true } } },
      { type: "track", event: "x", anonymousId: "dev-9", userId: "ada", messageId: "gpc-tr", context: { privacy: { gpc: true } } },
    ]);
    expect((await gpc.json<any>()).accepted).toBe(2);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (n) => n === 4);
    const { results } = await env.DB.prepare("SELECT message_id, anonymous_id, user_id FROM events WHERE site_id = ? ORDER BY message_id").bind(site.id).all<any>();
    const byId = Object.fromEntries(results.map((r) => [r.message_id, r]));
    expect(byId.ck1.anonymous_id).toMatch(/^c-[0-9a-f]{24}$/);
    expect(byId.ck2.anonymous_id).toBe(byId.ck1.anonymous_id); // same client, same day: one visitor
    expect(byId.ck3.anonymous_id).not.toBe(byId.ck1.anonymous_id);
    expect(byId["gpc-id"]).toBeUndefined(); // identify would link the visitor to a person
    expect(byId["gpc-tr"]).toMatchObject({ user_id: null });
    expect(JSON.stringify(results)).not.toContain("192.0.2.");
  });

  it("takes Plausible's Events API body through the cookieless path", async () => {
    const site = await createSite({ allowedOrigins: ["https://plausible-shop.example"] });
    const res = await SELF.fetch(`${BASE}/api/event`, {
      method: "POST", headers: { "content-type": "application/json", "user-agent": "Mozilla/5.0 Firefox/131.0", "cf-connecting-ip": "192.0.2.50" },
      body: JSON.stringify({ name: "pageview", url: "https://plausible-shop.example/pricing?utm_source=newsletter&utm_medium=email", domain: "plausible-shop.example" }),
    });
    expect(res.status).toBe(202);
    const events = await waitFor(() => read(site, "/events"), (r) => r.events.length === 1);
    expect(events.events[0]).toMatchObject({ type: "page", channel: "email" });
    expect(events.events[0].anonymousId).toMatch(/^c-/);
  });
});

describe("GDPR: export and delete a person", () => {
  it("exports every event of the person, then erases them from D1 and the R2 archive", async () => {
    const site = await createSite();
    await sendBatch(site, [
      { type: "page", anonymousId: "gdpr-dev", messageId: "g1", properties: { path: "/" } },
      { type: "identify", anonymousId: "gdpr-dev", userId: "gdpr-user", messageId: "g2", traits: { email: "x@example.com" } },
      { type: "track", event: "purchase", userId: "gdpr-user", messageId: "g3" },
      { type: "page", anonymousId: "someone-else", messageId: "g4" },
    ]);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (n) => n === 4);
    const exp = await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/people/gdpr-user/export`, { headers: admin });
    const data = await exp.json<any>();
    expect(data.events.map((e: any) => e.messageId).sort()).toEqual(["g1", "g2", "g3"]);
    expect(data.anonymousIds).toEqual(["gdpr-dev"]);

    const del = await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/people/gdpr-dev`, { method: "DELETE", headers: admin });
    expect(await del.json()).toMatchObject({ deletedEvents: 3, archivedBatchesRewritten: 1 });
    expect(await countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id)).toBe(1);
    expect(await countRows("SELECT count(*) AS n FROM identities WHERE site_id = ? AND ident_key IN ('a:gdpr-dev','u:gdpr-user')", site.id)).toBe(0);
    const list = await env.ARCHIVE.list({ prefix: `raw/${site.id}/` });
    const archived = await Promise.all(list.objects.map(async (o) => (await env.ARCHIVE.get(o.key))!.text()));
    expect(archived.join("")).not.toContain("gdpr-");
    expect(archived.join("")).toContain("someone-else");
    const again = await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/people/gdpr-user/export`, { headers: admin });
    expect(again.status).toBe(404);
  });
});

describe("cron", () => {
  it("enforces a site's retention period on events, sessions and the archive", async () => {
    const site = await createSite({ retentionDays: 30 });
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await sendBatch(site, [
      { type: "track", event: "old", userId: "r", messageId: "old-1", timestamp: old },
      { type: "track", event: "new", userId: "r", messageId: "new-1" },
    ]);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (n) => n === 2);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "*/5 * * * *", scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    const { results } = await env.DB.prepare("SELECT message_id FROM events WHERE site_id = ?").bind(site.id).all();
    expect(results.map((r) => r.message_id)).toEqual(["new-1"]);
  });
});
