// One read-API contract (edge/src/query/api.ts): what the real worker sends is what the
// dashboard's readers keep. Every body goes through the dashboard's own decoder and must come out
// unchanged — a field the dashboard drops (roi), invents (churn `kind`) or reshapes (Sankey nodes)
// fails here. The bodies come from a small journey sent through ingest, each list checked non-empty.
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  readAtRisk, readAttribution, readChannelRow, readChurn, readCohort, readEvent, readEventName, readFeedback, readFunnelStep,
  readJourneyStats, readOverview, readPaths, readRoi, readSession, readStalledPerson, readTimeline, readTimePoint, readTransitions,
  readValueSegments, readVitalsPage, list, compared, readSegment, readSegments, readCreatedWebhook, readWebhookListItem, readDelivery, readDeliveryQueued, readWebhook, readFollowUpRule, readAlertRule,
  readCreatedShare, readShare, readShareSession, readSiteReferralSettings,
} from "../../dashboard/src/api/decoders";
import { env } from "cloudflare:test";
import { BASE, createSite, read, sendBatch, waitFor, type TestSite } from "./helpers";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const base = Date.now() - (Date.now() % DAY) - 5 * DAY + HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
let seq = 0;
const msg = (m: Record<string, unknown>, at: number) => ({ messageId: `c${++seq}`, timestamp: iso(at), ...m });
const page = (anonymousId: string, path: string, at: number, channel?: string) => msg({
  type: "page", anonymousId,
  context: { ...(channel ? { channel } : {}), page: { path, url: `https://shop.example${path}`, title: `Shop ${path}`, referrer: "https://search.example/" } },
}, at);
const track = (userId: string, event: string, at: number, extra: Record<string, unknown> = {}) => msg({ type: "track", event, userId, ...extra }, at);

// Buyers come by e-mail then the web; a quoter stalls; two unsubscribe after a ticket; vitals; answers.
const journey = [
  ...["b1", "b2", "b3"].flatMap((u, i) => [
    track(u, "newsletter_open", base + i * HOUR, { context: { channel: "email" } }),
    track(u, "quote_requested", base + i * HOUR + HOUR, { context: { channel: "web" } }),
    track(u, "purchase", base + i * HOUR + 2 * HOUR, { properties: { revenue: 100 * (i + 1) } }),
  ]),
  track("q1", "quote_requested", base, { context: { channel: "phone" } }),
  track("c1", "ticket_opened", base), track("c1", "unsubscribe", base + DAY),
  track("c2", "ticket_opened", base + HOUR), track("c2", "unsubscribe", base + DAY),
  track("c3", "newsletter_open", base + HOUR, { context: { channel: "email" } }),
  ...[1000, 3000, 3500, 5000].map((value, i) => track("v1", "web_vital", base + i * HOUR, { properties: { name: "LCP", value, path: "/" } })),
  ...[9, 10, 3].map((score, i) => track(`b${i + 1}`, "feedback", base + 3 * DAY, { properties: { kind: "nps", score, comment: "fine" } })),
  page("anon-p", "/pricing", base + 2 * HOUR, "social"),
  // A Segment page call: the page in its reserved properties, no context.page.
  msg({ type: "page", anonymousId: "anon-s", name: "Docs", properties: { path: "/docs", url: "https://shop.example/docs", title: "Docs", referrer: "" } }, base + 3 * HOUR),
];

describe("the dashboard reads what the edge sends", () => {
  let site: TestSite;
  let segmentId = "";
  const range = `from=${iso(base - DAY)}&to=${iso(Date.now())}`;
  const get = (path: string) => read(site, `${path}${path.includes("?") ? "&" : "?"}${range}`);

  beforeAll(async () => {
    site = await createSite();
    expect((await sendBatch(site, journey)).status).toBe(200);
    const stored = await waitFor(() => read(site, `/overview?${range}`), (o) => o.events === journey.length);
    expect(stored.events).toBe(journey.length);
    // Everyone who did something in the range: the segment narrows nothing, so each list stays full.
    const created = await SELF.fetch(`${BASE}/api/sites/${site.id}/segments`, {
      method: "POST", headers: { authorization: `Bearer ${site.readToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Everyone but no one", filter: { didNot: "never_sent" } }),
    });
    expect(created.status).toBe(201);
    segmentId = (await created.json<{ id: string }>()).id;
  });

  const ENDPOINTS: [string, (body: any) => unknown, (body: any) => unknown[]][] = [
    ["/overview", readOverview, (b) => [b.people]],
    ["/timeseries?interval=day", (b) => ({ ...b, points: list(readTimePoint)(b.points) }), (b) => b.points],
    ["/channels", (b) => ({ channels: list(readChannelRow)(b.channels) }), (b) => b.channels],
    ["/event-names", (b) => ({ events: list(readEventName)(b.events) }), (b) => b.events],
    ["/events?limit=100", (b) => ({ events: list(readEvent)(b.events) }), (b) => b.events],
    ["/journeys/stats", readJourneyStats, (b) => b.histogram],
    ["/funnel?steps=newsletter_open,feedback%3F,quote_requested%7Cticket_opened,purchase", (b) => ({ ...b, steps: list(readFunnelStep)(b.steps) }), (b) => Object.keys(b.steps[0].firstTouch)],
    ["/funnel?steps=newsletter_open,quote_requested,purchase&breakdown=channel", (b) => ({ ...b, steps: list(readFunnelStep)(b.steps), breakdown: b.breakdown.map((f: any) => ({ ...f, steps: list(readFunnelStep)(f.steps) })) }), (b) => b.breakdown],
    ["/paths?to=purchase", readPaths, (b) => b.sankey.nodes],
    ["/paths?from=newsletter_open", readPaths, (b) => b.sankey.nodes],
    ["/attribution?value=revenue", readAttribution, (b) => Object.keys(b.models.markov)],
    ["/transitions", readTransitions, (b) => b.channels],
    ["/stalled?started=quote_requested&expected=purchase&after=1d", (b) => ({ ...b, people: list(readStalledPerson)(b.people) }), (b) => b.people],
    ["/churn?event=unsubscribe", readChurn, (b) => b.touchpoints],
    ["/retention?interval=day", (b) => ({ ...b, cohorts: list(readCohort)(b.cohorts) }), (b) => b.cohorts],
    ["/vitals", (b) => ({ pages: list(readVitalsPage)(b.pages) }), (b) => b.pages],
    ["/roi", readRoi, (b) => b.rows],
    ["/feedback?kind=nps", readFeedback, (b) => b.comments],
    ["/segments/value", readValueSegments, (b) => b.segment.paths],
    ["/at-risk", readAtRisk, (b) => b.people],
  ];

  it.each(ENDPOINTS)("%s", async (path, decode, items) => {
    const body = await get(path);
    expect(items(body).length).toBeGreaterThan(0);
    expect(decode(body)).toEqual(body);
  });

  it.each(ENDPOINTS)("%s with compare=previous and a segment", async (path, decode, items) => {
    const body = await get(`${path}${path.includes("?") ? "&" : "?"}compare=previous&segment=${segmentId}`);
    expect(items(body).length).toBeGreaterThan(0);
    expect(body.previous).toBeDefined();
    expect(compared(decode)(body)).toEqual(body);
  });

  it("the segments list and a created segment", async () => {
    const listed = await read(site, "/segments");
    expect(listed.segments.length).toBeGreaterThan(0);
    expect(readSegments(listed)).toEqual(listed);
    expect(readSegment(listed.segments[0])).toEqual(listed.segments[0]);
  });

  it("a page view's page, from context.page or a Segment page call's properties", async () => {
    const { events } = await get("/events?limit=100");
    const pageOf = (anonymousId: string) => events.find((e: any) => e.anonymousId === anonymousId)?.page;
    expect(pageOf("anon-p")).toEqual({ path: "/pricing", url: "https://shop.example/pricing", title: "Shop /pricing", referrer: "https://search.example/" });
    expect(pageOf("anon-s")).toEqual({ path: "/docs", url: "https://shop.example/docs", title: "Docs", referrer: null });
    expect(events.find((e: any) => e.userId === "c1").page).toBeUndefined();
  });

  it("a person's timeline", async () => {
    const body = await read(site, "/people/b1/timeline");
    expect(body.events.length).toBeGreaterThan(0);
    expect(readTimeline(body)).toEqual(body);
  });

  it("the session, signed out and signed in", async () => {
    const out = await SELF.fetch(`${BASE}/api/session`);
    expect(out.status).toBe(200);
    const outBody = await out.json();
    expect(readSession(outBody)).toEqual(outBody);
    const login = await SELF.fetch(`${BASE}/api/login`, { method: "POST", body: JSON.stringify({ token: site.readToken }) });
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    const inBody = await (await SELF.fetch(`${BASE}/api/session`, { headers: { cookie } })).json<{ sites: unknown[] }>();
    expect(inBody.sites.length).toBe(1);
    expect(readSession(inBody)).toEqual(inBody);
  });

  it("the Act admin bodies: a destination, the list, a test send and the delivery log", async () => {
    const admin = { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}`, "content-type": "application/json" };
    const call = async (path: string, method = "GET", body?: unknown) => (await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/webhooks${path}`,
      { method, headers: admin, body: body === undefined ? undefined : JSON.stringify(body) })).json<any>();
    const created = await call("", "POST", { url: "http://127.0.0.1:9/contract", events: ["alert", "digest"], format: "slack" });
    expect(readCreatedWebhook(created)).toEqual(created);
    const queued = await call(`/${created.id}/test`, "POST");
    expect(readDeliveryQueued(queued)).toEqual(queued);
    const listed = await call("");
    expect(listed.webhooks.length).toBeGreaterThan(0);
    expect(list(readWebhookListItem)(listed.webhooks)).toEqual(listed.webhooks);
    const log = await call(`/${created.id}/deliveries`);
    expect(log.deliveries.length).toBeGreaterThan(0);
    expect(list(readDelivery)(log.deliveries)).toEqual(log.deliveries);
    const paused = await call(`/${created.id}`, "PATCH", { status: "paused" });
    expect(readWebhook(paused)).toEqual(paused);
    const siteCall = async (path: string, method = "GET", body?: unknown) => (await SELF.fetch(`${BASE}/api/admin/sites/${site.id}${path}`,
      { method, headers: admin, body: body === undefined ? undefined : JSON.stringify(body) })).json<any>();
    const rule = await siteCall("/rules", "POST", { started: "quote_requested", expected: "purchase", after: "2d", channel: "phone" });
    expect(readFollowUpRule(rule)).toEqual(rule);
    const rules = await siteCall("/rules");
    expect(rules.rules.length).toBeGreaterThan(0);
    expect(list(readFollowUpRule)(rules.rules)).toEqual(rules.rules);
    const alert = await siteCall("/alerts", "POST", { metric: "cpa", channel: "email", period: "week", above: 40, changePct: 20 });
    expect(readAlertRule(alert)).toEqual(alert);
    const alerts = await siteCall("/alerts");
    expect(alerts.alerts.length).toBeGreaterThan(0);
    expect(list(readAlertRule)(alerts.alerts)).toEqual(alerts.alerts);
  });

  it("the shared link bodies: created, listed, and the link's own session", async () => {
    const admin = { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}`, "content-type": "application/json" };
    const created = await (await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/shares`,
      { method: "POST", headers: admin, body: JSON.stringify({ views: ["overview", "live"], expiresAt: Date.now() + DAY }) })).json<any>();
    expect(readCreatedShare(created)).toEqual(created);
    const listed = await (await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/shares`, { headers: admin })).json<any>();
    expect(listed.shares.length).toBeGreaterThan(0);
    expect(list(readShare)(listed.shares)).toEqual(listed.shares);
    const token = new URL(created.url).hash.replace("#share=", "");
    const session = await (await SELF.fetch(`${BASE}/api/share`, { headers: { authorization: `Bearer ${token}` } })).json<any>();
    expect(session.views).toEqual(["overview", "live"]);
    expect(readShareSession(session)).toEqual(session);
  });

  it("the site's referral exclusions, as the Settings view reads and writes them", async () => {
    const admin = { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}`, "content-type": "application/json" };
    const path = `${BASE}/api/admin/sites/${site.id}/referral-exclusions`;
    const shown = await (await SELF.fetch(path, { headers: admin })).json<any>();
    expect(shown.excludedReferrers.length).toBeGreaterThan(0);
    expect(readSiteReferralSettings(shown)).toEqual(shown);
    const saved = await (await SELF.fetch(path, { method: "PUT", headers: admin, body: JSON.stringify({ excludedReferrers: ["checkout.stripe.com", "partner.example"] }) })).json<any>();
    expect(saved).toEqual({ excludedReferrers: ["checkout.stripe.com", "partner.example"] });
    expect(readSiteReferralSettings(saved)).toEqual(saved);
  });
});
