// Referral exclusions through real ingest: a visitor sent back from a checkout (Stripe here) or
// from the site's own host opens no referral touchpoint, an unlisted referrer still does, and the
// site's list is edited (and validated) through PATCH /api/admin/sites/:site.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, countRows, createSite, read, sendBatch, waitFor } from "./helpers";

const admin = (path: string, method = "GET", body?: unknown) => SELF.fetch(`${BASE}/api/admin${path}`,
  { method, headers: { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });

const MIN = 60_000;
const t0 = Date.now() - 6 * 60 * MIN;
const at = (min: number) => new Date(t0 + min * MIN).toISOString();
const page = (anonymousId: string, id: string, min: number, url: string, referrer?: string) =>
  ({ type: "page", anonymousId, messageId: id, timestamp: at(min), context: { page: { url, referrer } } });
const purchase = (anonymousId: string, id: string, min: number) =>
  ({ type: "track", event: "purchase", anonymousId, messageId: id, timestamp: at(min), properties: { revenue: 50 } });

interface Timeline { events: { messageId: string; channel: string; sessionId: string; touchpoint: boolean; page?: { referrer: string | null } }[] }

describe("referral exclusions", () => {
  it("counts a checkout's or the site's own referrer as none, and an unlisted one as a referral", async () => {
    const site = await createSite({ allowedOrigins: ["https://shop.example", "https://*.shop-brand.example"] });
    const mail = "https://shop.example/?utm_source=newsletter&utm_medium=email&utm_campaign=nov";
    const res = await sendBatch(site, [
      // Came by e-mail, paid on Stripe two hours later, landed back on the thank-you page.
      page("stripe", "s1", 0, mail), page("stripe", "s2", 120, "https://shop.example/thanks", "https://checkout.stripe.com/c/pay/cs_live_a1"), purchase("stripe", "s3", 121),
      // The same from a partner's page: a referral.
      page("partner", "p1", 0, mail), page("partner", "p2", 120, "https://shop.example/thanks", "https://partner.example/deal"), purchase("partner", "p3", 121),
      // Back from the checkout within the session: the session goes on.
      page("quick", "q1", 0, mail), page("quick", "q2", 10, "https://shop.example/thanks", "https://checkout.stripe.com/c/pay/cs_live_b2"), purchase("quick", "q3", 11),
      // From another of the site's own hosts, after a pause.
      page("own", "o1", 0, mail), page("own", "o2", 120, "https://shop.example/thanks", "https://eu.shop-brand.example/cart"),
    ]);
    expect(res.status).toBe(200);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (n) => n === 11);
    const timeline = (id: string) => read<Timeline>(site, `/people/${id}/timeline`);
    const byId = async (person: string) => Object.fromEntries((await timeline(person)).events.map((e) => [e.messageId, e]));

    const stripe = await byId("stripe");
    expect(stripe.s2.channel).toBe("direct");
    // The stored referrer is kept as sent: only the channel reads it as none.
    expect(stripe.s2.page?.referrer).toBe("https://checkout.stripe.com/c/pay/cs_live_a1");
    const partner = await byId("partner");
    expect([partner.p2.channel, partner.p2.touchpoint]).toEqual(["referral", true]);
    const quick = await byId("quick");
    expect(quick.q2.sessionId).toBe(quick.q1.sessionId);
    expect(quick.q2.touchpoint).toBe(false);
    expect((await byId("own")).o2.channel).toBe("direct");

    // No referral touchpoint from Stripe: the two paying journeys the checkout touched, e-mail
    // then direct; the partner's, e-mail then referral.
    const attribution = await read<{ conversions: number; models: Record<string, Record<string, number>> }>(site, "/attribution?conversion=purchase");
    expect(attribution.conversions).toBe(3);
    expect(attribution.models.last_touch).toEqual({ direct: 1, referral: 1, email: 1 });
    expect(attribution.models.last_non_direct).toEqual({ email: 2, referral: 1 });
  });

  it("takes the site's own list through PATCH, validated, and shows the list in force", async () => {
    const site = await createSite();
    const shown = (await (await admin(`/sites/${site.id}`)).json()) as { excludedReferrers: string[] };
    expect(shown.excludedReferrers).toContain("checkout.stripe.com");
    const bad = await admin(`/sites/${site.id}`, "PATCH", { excludedReferrers: ["partner.example", "not a host"] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe("excludedReferrers[1]");
    const ok = await admin(`/sites/${site.id}`, "PATCH", { excludedReferrers: ["https://www.Partner.example/x", "partner.example"] });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { excludedReferrers: string[] }).excludedReferrers).toEqual(["partner.example"]);

    await sendBatch(site, [
      page("a", "a1", 0, "https://shop.example/", "https://partner.example/deal"),
      page("b", "b1", 0, "https://shop.example/", "https://checkout.stripe.com/x"),
    ]);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (n) => n === 2);
    const { results } = await env.DB.prepare("SELECT message_id, channel FROM events WHERE site_id = ?").bind(site.id).all();
    // The site's list replaces the default: Stripe is a referral again on this site.
    expect(Object.fromEntries(results.map((r) => [r.message_id, r.channel]))).toEqual({ a1: "direct", b1: "referral" });
  });

  it("opens the Settings view's route to the admin's login, and to nobody else", async () => {
    const site = await createSite();
    const path = `${BASE}/api/admin/sites/${site.id}/referral-exclusions`;
    const login = await SELF.fetch(`${BASE}/api/login`, { method: "POST", body: JSON.stringify({ token: env.PARCOURS_ADMIN_TOKEN }) });
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    const put = (headers: Record<string, string>, body: unknown) => SELF.fetch(path, { method: "PUT", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await put({ authorization: `Bearer ${site.readToken}` }, { excludedReferrers: [] })).status).toBe(401);
    expect((await put({}, { excludedReferrers: [] })).status).toBe(401);
    const bad = await put({ cookie }, { excludedReferrers: ["ok.example", 7] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe("excludedReferrers[1]");
    expect(((await (await put({ cookie }, {})).json()) as { error: { field: string } }).error.field).toBe("excludedReferrers");
    const ok = await put({ cookie }, { excludedReferrers: ["*.Partner.example"] });
    expect(await ok.json()).toEqual({ excludedReferrers: ["partner.example"] });
    const shown = (await (await admin(`/sites/${site.id}`)).json()) as { excludedReferrers: string[] };
    expect(shown.excludedReferrers).toEqual(["partner.example"]);
    expect((await SELF.fetch(`${BASE}/api/admin/sites/nope/referral-exclusions`, { headers: { cookie } })).status).toBe(404);
  });
});
