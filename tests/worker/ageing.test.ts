// Every read answer before and after raw events age out of D1 (issue 11 item 3): a fixed data set
// over some 40 days goes through ingest into a site keeping raw events 10 days; each endpoint is
// asked over the whole span, maintenance ages everything older than 10 days out, and each answer
// must come back the same. Only /events and a person's timeline may lose raw detail, and the
// timeline says so.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, createSite, DAY, HOUR, iso, messageMaker, sendBatch, todayUtc, waitFor, type TestSite } from "./helpers";
import { ENDPOINTS as READ_ENDPOINTS } from "./read-endpoints";

const today = todayUtc();
const { msg, track } = messageMaker("age");
const page = (anon: string, path: string, at: number, channel = "web", extra: Record<string, unknown> = {}) =>
  msg({ type: "page", anonymousId: anon, context: { channel, page: { path, url: `https://shop.example${path}` } }, ...extra }, at);
const ago = (days: number, hours = 0) => today - days * DAY + hours * HOUR;

/**
 * Buyers whose journeys straddle the horizon (day -10), people who asked a quote a month ago and
 * went quiet (their every touchpoint older than the horizon: what /stalled lists), a phone lead,
 * churners, vitals, feedback and anonymous visits on both sides of the horizon.
 */
const messages = [
  ...[1, 2, 3, 4].flatMap((i) => [
    page(`anon-b${i}`, "/pricing", ago(36 - i, 1), "social"),
    msg({ type: "identify", anonymousId: `anon-b${i}`, userId: `b${i}` }, ago(36 - i, 2)),
    track(`b${i}`, "newsletter_open", ago(30 - i), { context: { channel: "email" } }),
    track(`b${i}`, "quote_requested", ago(20 - i * 3), { context: { channel: "web" } }),
    track(`b${i}`, "purchase", ago(20 - i * 3, 2), { properties: { revenue: 100 * i } }),
    track(`b${i}`, "feedback", ago(19 - i * 3), { properties: { kind: "nps", score: 10 - i * 2, comment: `ok ${i}` } }),
  ]),
  ...[1, 2, 3].flatMap((i) => [
    track(`s${i}`, "newsletter_open", ago(34 - i), { context: { channel: "email" } }),
    track(`s${i}`, "call", ago(32 - i), { context: { channel: i === 3 ? "phone" : "web" } }),
    track(`s${i}`, "quote_requested", ago(30 - i), { context: { channel: "web" } }),
  ]),
  page("anon-s1", "/", ago(29, 3), "web"),
  track("q1", "quote_requested", ago(25), { context: { channel: "phone" } }),
  track("c1", "ticket_opened", ago(28)), track("c1", "unsubscribe", ago(27)),
  track("c2", "ticket_opened", ago(5)), track("c2", "unsubscribe", ago(4)),
  ...[1000, 3000, 5000].map((value, i) => track("v1", "web_vital", ago(22, i), { properties: { name: "LCP", value, path: "/" } })),
  ...[1200, 2600].map((value, i) => track("v1", "web_vital", ago(3, i), { properties: { name: "LCP", value, path: "/" } })),
  ...[1, 2, 3].map((i) => page(`anon-v${i}`, "/pricing", ago(i * 9, 4), i === 2 ? "search" : "social")),
];

const from = today - 40 * DAY;
const to = today + DAY - 1;
const range = `from=${iso(from)}&to=${iso(to)}`;
const STALLED = "/stalled?started=quote_requested&expected=purchase&after=1d";

/**
 * Every read endpoint but the two allowed to lose raw detail (checked on their own below), and a few
 * more questions the journey store answers another way (any order, another lookback, by campaign).
 */
const ENDPOINTS: [string, (b: any) => unknown[]][] = [
  ...READ_ENDPOINTS.filter(([path]) => !path.startsWith("/events") && !path.includes("/timeline")),
  ["/funnel?steps=newsletter_open,purchase&order=any", (b) => b.steps.filter((s: any) => s.people > 0)],
  ["/attribution?group_by=campaign&lookback=7d", (b) => Object.keys(b.models.linear)],
];

/**
 * Answers that cannot come from the journey state, with why: they read raw rows the state does
 * not keep, so they lose what aged out. Keyed by path; the value lists the fields that differ.
 */
const KNOWN: Record<string, string> = {
  // Web vitals and page engagement are raw samples (web_vital events' properties.name/value/path,
  // page_engagement rows): the journey state keeps no properties and no per-page rollup of them, so
  // samples, p75, rating and the good/needsImprovement/poor shares only count what is still raw.
  "/vitals": "pages[].samples, pages[].metrics.*, pages[].engagement",
};

const get = (site: TestSite, path: string) =>
  SELF.fetch(`${BASE}/api/sites/${site.id}${path}${path.includes("?") ? "&" : "?"}${path.includes("from=") ? `to=${iso(to)}` : range}`,
    { headers: { authorization: `Bearer ${site.readToken}` } });
const json = async (site: TestSite, path: string) => {
  const res = await get(site, path);
  expect(res.status, path).toBe(200);
  return res.json<any>();
};
/** /at-risk says when its scores were computed: now, for scores the cron has not stored yet. */
const timeless = (b: any) => (b && "computedAt" in b ? { ...b, computedAt: undefined } : b);

describe("answers after raw ageing", () => {
  let site: TestSite;
  const before = new Map<string, unknown>();
  let stalledCsv = "";
  let timelineBefore: any;

  beforeAll(async () => {
    // On DB, where the check of what aged out below looks.
    site = await createSite({ rawRetentionDays: 10, database: "DB" });
    expect((await sendBatch(site, messages)).status).toBe(200);
    const all = await waitFor(() => json(site, "/overview"), (o) => o.events === messages.length);
    expect(all.events).toBe(messages.length);
    for (const [path, items] of ENDPOINTS) {
      const body = await json(site, path);
      expect(items(body).length, path).toBeGreaterThan(0);
      before.set(path, timeless(body));
    }
    stalledCsv = await (await get(site, `${STALLED}&format=csv`)).text();
    timelineBefore = await json(site, "/people/b4/timeline");
    expect(timelineBefore.rawSince).toBeNull();
    const res = await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/maintenance`, { method: "POST", headers: { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    expect((await res.json<any>()).rawEventsDeleted).toBeGreaterThan(0);
    // Every raw event older than the horizon left D1 but the feedback responses, kept for their properties.
    const left = await env.DB.prepare("SELECT min(ts) AS t FROM events WHERE site_id = ? AND event IS NOT 'feedback'").bind(site.id).first<{ t: number }>();
    expect(left!.t).toBeGreaterThan(today - 11 * DAY);
    const kept = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE site_id = ? AND ts < ?").bind(site.id, today - 11 * DAY).first<{ n: number }>();
    // b1 and b2 answered 16 and 13 days ago.
    expect(kept!.n).toBe(2);
  });

  it("/stalled and its CSV are the same, last touchpoints from before the horizon included", async () => {
    const now = await json(site, STALLED);
    expect(now).toEqual(before.get(STALLED));
    const people = now.people as any[];
    expect(people.map((p) => p.userIds[0]).sort()).toEqual(["q1", "s1", "s2", "s3"]);
    for (const p of people) {
      expect(p.lastTouchpoint, p.personId).not.toBeNull();
      // Every touchpoint of these people is older than the horizon.
      expect(Date.parse(p.lastTouchpoint.timestamp)).toBeLessThan(today - 10 * DAY);
    }
    // s3's call came by phone: the contact channel is read from the aged touchpoints too.
    expect(people.find((p) => p.userIds[0] === "s3").contactChannel).toBe("phone");
    expect(people.find((p) => p.userIds[0] === "s1").lastTouchpoint).toMatchObject({ channel: "web", event: "quote_requested" });
    expect(await (await get(site, `${STALLED}&format=csv`)).text()).toBe(stalledCsv);
    expect(stalledCsv.split("\n").length).toBeGreaterThan(people.length);
  });

  it("a person's timeline loses the raw events before the horizon, and says since when it holds them", async () => {
    const now = await json(site, "/people/b4/timeline");
    const since = Date.parse(now.rawSince);
    expect(since).toBeGreaterThan(today - 11 * DAY);
    expect(since).toBeLessThan(Date.now());
    expect(now.events.length).toBeGreaterThan(0);
    expect(now.events.length).toBeLessThan(timelineBefore.events.length);
    expect(now.events).toEqual(timelineBefore.events.filter((e: any) => Date.parse(e.timestamp) >= since));
    // A range wholly within the raw window lost nothing, and says so.
    const recent = await json(site, `/people/b4/timeline?from=${iso(since)}`);
    expect(recent.rawSince).toBeNull();
  });

  it("every read answer is the same JSON after ageing", async () => {
    expect(ENDPOINTS.length).toBeGreaterThan(15);
    for (const [path] of ENDPOINTS) {
      if (path in KNOWN) continue;
      expect(timeless(await json(site, path)), path).toEqual(before.get(path));
    }
    // The raw-only answers do lose what aged out (so the exceptions above are real, and still needed).
    for (const path of Object.keys(KNOWN)) expect(await json(site, path), path).not.toEqual(before.get(path));
  });
});
