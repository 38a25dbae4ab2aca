// Person-level reads through the real worker: funnels, a stitched timeline, the stalled follow-up
// list, churn lift, retention cohorts, web vitals, and the 400s of bad parameters.
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, createSite, read, sendBatch, waitFor, type TestSite } from "./helpers";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;
// An hour into a UTC day ten days ago, so a person's first-day events share one calendar day.
const base = Date.now() - (Date.now() % DAY) - 10 * DAY + HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

type Msg = Record<string, unknown>;
let seq = 0;
const track = (userId: string, event: string, at: number, extra: Msg = {}): Msg => ({
  type: "track", event, userId, messageId: `m${++seq}`, timestamp: iso(at), ...extra,
});

const funnelPeople: Msg[] = [
  track("f1", "view_product", base, { context: { channel: "email" } }),
  track("f1", "add_to_cart", base + HOUR),
  track("f1", "purchase", base + 2 * HOUR, { properties: { revenue: 50 } }),
  track("f2", "view_product", base),
  track("f2", "search", base + HOUR),
  track("f2", "add_to_cart", base + 2 * HOUR),
  track("f3", "view_product", base),
  track("f4", "add_to_cart", base),
  track("f4", "purchase", base + HOUR),
  track("f5", "view_product", base),
  track("f5", "add_to_cart", base + HOUR),
  track("f5", "purchase", base + 8 * DAY),
  track("f6", "purchase", base),
  track("f6", "add_to_cart", base + HOUR),
  track("f6", "view_product", base + 2 * HOUR),
];

// An anonymous visitor from social asks for a quote, identifies, and later calls: one person.
const stitched: Msg[] = [
  { type: "page", anonymousId: "anon-t", messageId: "t1", timestamp: iso(base), context: { channel: "social",
    page: { path: "/", url: "https://shop.example/?utm_source=x", title: "Shop", referrer: "https://social.example/post" } }, properties: { path: "/" } },
  { type: "track", event: "quote_requested", anonymousId: "anon-t", messageId: "t2", timestamp: iso(base + 10 * MIN),
    context: { page: { path: "/quote", url: "https://shop.example/quote", title: 42 } } },
  { type: "identify", anonymousId: "anon-t", userId: "t-user", messageId: "t3", timestamp: iso(base + 20 * MIN) },
  track("t-user", "call", base + 2 * DAY, { context: { channel: "phone" } }),
];

const others: Msg[] = [
  track("s2", "quote_requested", base),
  track("s2", "purchase", base + DAY),
  track("s3", "quote_requested", base + 9 * DAY),
  track("c1", "ticket_opened", base),
  track("c1", "unsubscribe", base + DAY),
  track("c2", "ticket_opened", base + HOUR),
  track("c2", "unsubscribe", base + DAY),
  ...[1000, 2000, 3000, 5000].map((value, i) =>
    track("v1", "web_vital", base + i * MIN, { properties: { name: "LCP", value, rating: "good", path: "/" } })),
];

describe("person-level reads", () => {
  let site: TestSite;
  const all = [...funnelPeople, ...stitched, ...others];
  beforeAll(async () => {
    site = await createSite();
    expect((await sendBatch(site, all)).status).toBe(200);
    await waitFor(() => read(site, "/overview"), (o) => o.events === all.length);
  });

  it.each([
    ["sequential", "7d", [5, 3, 1]],
    ["sequential", "10d", [5, 3, 2]],
    ["strict", "7d", [5, 2, 1]],
    ["any", "7d", [5, 4, 2]],
  ])("counts a %s funnel in %s", async (order, window, people) => {
    const body = await read(site, `/funnel?steps=view_product,add_to_cart,purchase&window=${window}&order=${order}`);
    expect(body.steps.map((s: any) => s.people)).toEqual(people);
    expect(body.steps.map((s: any) => s.dropOff)).toEqual([0, people[0] - people[1], people[1] - people[2]]);
    expect(body.window).toBe(window);
  });

  it("breaks a funnel down by the channel of its first step", async () => {
    const body = await read(site, "/funnel?steps=view_product,add_to_cart,purchase&breakdown=channel");
    // Each channel's steps carry the funnel step's other fields too (events, optional, firstTouch).
    expect(body.breakdown).toMatchObject([
      { channel: "direct", steps: [{ name: "view_product", people: 4, dropOff: 0 }, { name: "add_to_cart", people: 2, dropOff: 2 }, { name: "purchase", people: 0, dropOff: 2 }] },
      { channel: "email", steps: [{ name: "view_product", people: 1, dropOff: 0 }, { name: "add_to_cart", people: 1, dropOff: 0 }, { name: "purchase", people: 1, dropOff: 0 }] },
    ]);
  });

  it("shows one timeline whichever id asks, across devices and channels", async () => {
    const byAnon = await read(site, "/people/anon-t/timeline");
    expect(byAnon.userIds).toEqual(["t-user"]);
    expect(byAnon.anonymousIds).toEqual(["anon-t"]);
    expect(byAnon.events.map((e: any) => [e.messageId, e.touchpoint, e.channel])).toEqual([
      ["t1", true, "social"],
      ["t2", false, "social"],
      ["t3", false, "social"],
      [expect.any(String), true, "phone"],
    ]);
    expect(byAnon.events[1]).toMatchObject({ event: "quote_requested", stage: "consideration", timestamp: iso(base + 10 * MIN) });
    // The page each event happened on, from context.page; a title that is no text is left out;
    // events sent from no page (the identify, the call) carry none.
    expect(byAnon.events.map((e: any) => e.page)).toEqual([
      { path: "/", url: "https://shop.example/?utm_source=x", title: "Shop", referrer: "https://social.example/post" },
      { path: "/quote", url: "https://shop.example/quote", title: null, referrer: null },
      undefined,
      undefined,
    ]);
    const byUser = await read(site, "/people/t-user/timeline");
    const byPerson = await read(site, `/people/${byAnon.personId}/timeline`);
    expect(byUser).toEqual(byAnon);
    expect(byPerson).toEqual(byAnon);
    const missing = await SELF.fetch(`${BASE}/api/sites/${site.id}/people/nobody/timeline`, { headers: { authorization: `Bearer ${site.readToken}` } });
    expect(missing.status).toBe(404);
  });

  it("lists who asked for a quote and did not buy within 3 days, with how to reach them", async () => {
    const body = await read(site, "/stalled?started=quote_requested&expected=purchase&after=3d");
    expect(body.people).toEqual([
      {
        personId: expect.any(String),
        userIds: ["t-user"],
        startedAt: iso(base + 10 * MIN),
        lastTouchpoint: { timestamp: iso(base + 2 * DAY), channel: "phone", event: "call" },
        contactChannel: "phone",
        stage: "consideration",
        // Which channel it is, is the marketing test's business (known by construction there).
        nextBestTouchpoint: expect.any(String),
      },
    ]);
    const csv = await SELF.fetch(`${BASE}/api/sites/${site.id}/stalled?started=quote_requested&expected=purchase&after=3d&format=csv`, {
      headers: { authorization: `Bearer ${site.readToken}` },
    });
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe("personId,userIds,startedAt,lastTouchpointAt,lastTouchpointChannel,lastTouchpointEvent,contactChannel,stage,nextBestTouchpoint");
    expect(lines[1]).toBe(`${body.people[0].personId},t-user,${iso(base + 10 * MIN)},${iso(base + 2 * DAY)},phone,call,phone,consideration,${body.people[0].nextBestTouchpoint}`);
  });

  it("finds what precedes unsubscribing, with lift against everyone", async () => {
    const body = await read(site, "/churn?event=unsubscribe");
    expect(body.churned).toBe(2);
    // 12 people did a named event: f1-f6, the stitched person, s2, s3, c1, c2, v1.
    expect(body.touchpoints).toEqual([{ name: "ticket_opened", churnedShare: 1, baseShare: 2 / 12, lift: 6 }]);
  });

  it("builds daily retention cohorts from the first time each person was seen", async () => {
    const body = await read(site, "/retention?interval=day");
    const day0 = body.cohorts.find((c: any) => c.cohort === iso(base).slice(0, 10));
    // day 1: s2 buys, c1 and c2 unsubscribe; day 2: the call; day 8: f5 buys.
    expect(day0.size).toBe(11);
    expect(day0.retained.slice(0, 9)).toEqual([11, 3, 1, 0, 0, 0, 0, 0, 1]);
    expect(body.cohorts.find((c: any) => c.cohort === iso(base + 9 * DAY).slice(0, 10)).size).toBe(1);
  });

  it("gives p75 and rating shares of the web vitals per page", async () => {
    const body = await read(site, "/vitals");
    expect(body.pages).toEqual([{ path: "/", samples: 4, metrics: { LCP: { p75: 3500, rating: "needsImprovement", good: 0.5, needsImprovement: 0.25, poor: 0.25 } } }]);
  });

  it("shows the newest events first in the live debugger", async () => {
    const { events } = await read(site, "/events?limit=3");
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({ type: "track", personId: expect.any(String), sessionId: expect.any(String) });
    // A page view carries its page in the live debugger too.
    const { events: all } = await read(site, `/events?limit=500&from=${iso(base - DAY)}`);
    const pageView = all.find((e: any) => e.messageId === "t1");
    expect(pageView.page).toEqual({ path: "/", url: "https://shop.example/?utm_source=x", title: "Shop", referrer: "https://social.example/post" });
  });

  it.each([
    ["/overview?from=yesterday", "from"],
    ["/attribution?group_by=medium", "group_by"],
    ["/funnel?window=7d", "steps"],
    ["/funnel?steps=a,b&window=soon", "window"],
    ["/paths?top=0", "top"],
    ["/stalled?started=quote_requested", "expected"],
    ["/timeseries?interval=hour&from=0", "interval"],
    ["/events?limit=1000", "limit"],
    ["/overview?from=2026-11-02&to=2026-11-01", "from"],
  ])("answers 400 invalid_field for %s", async (path, field) => {
    const res = await SELF.fetch(`${BASE}/api/sites/${site.id}${path}`, { headers: { authorization: `Bearer ${site.readToken}` } });
    expect(res.status).toBe(400);
    expect((await res.json<any>()).error).toMatchObject({ code: "invalid_field", field });
  });
});
