// The read API over journeys sent through the real public ingest, queue, pipeline and D1, with
// numbers known by construction (the eeghor/mta fixture, a funnel whose people are known).
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { MODELS } from "@parcours/edge/api";
import { markovCredits } from "../../edge/src/query/attribution/markov";
import { fromPathTable } from "../../edge/src/query/attribution/test-journeys";
import { BASE, createSite, read, sendBatch, waitFor, type TestSite } from "./helpers";

const DAY = 86_400_000;
const MIN = 60_000;
const base = Date.now() - 10 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();

type Msg = Record<string, unknown>;

/** One person: a session per channel, a day apart, and a purchase in the last one when converted. */
function journey(userId: string, channels: string[], converted: boolean, revenue = 100): Msg[] {
  const msgs: Msg[] = channels.map((channel, i) => ({
    type: "page", userId, messageId: `${userId}-${i}`, timestamp: iso(base + i * DAY), context: { channel }, properties: { path: "/" },
  }));
  const end = base + (channels.length - 1) * DAY + MIN;
  if (converted) msgs.push({ type: "track", event: "purchase", userId, messageId: `${userId}-buy`, timestamp: iso(end), properties: { revenue } });
  return msgs;
}

async function send(site: TestSite, msgs: Msg[]) {
  for (let i = 0; i < msgs.length; i += 50) expect((await sendBatch(site, msgs.slice(i, i + 50))).status).toBe(200);
  await waitFor(() => read(site, "/overview"), (o) => o.events === msgs.length);
}

// eeghor/mta: direct 2/1, search>email 3/2, search>social>email 5/4
const EEGHOR: [string, number, number][] = [["direct", 2, 1], ["search>email", 3, 2], ["search>social>email", 5, 4]];

function eeghorPeople(): Msg[] {
  return EEGHOR.flatMap(([path, conversions, nulls], p) =>
    Array.from({ length: conversions + nulls }, (_, k) => journey(`e${p}-${k}`, path.split(">"), k < conversions)).flat(),
  );
}

const sum = (credits: Record<string, number>) => Object.values(credits).reduce((a, b) => a + b, 0);

function expectCredits(credits: Record<string, number>, expected: Record<string, number>) {
  expect(Object.keys(expected).length).toBeGreaterThan(0);
  expect(Object.keys(credits).sort()).toEqual(Object.keys(expected).sort());
  for (const [k, v] of Object.entries(expected)) expect(credits[k]).toBeCloseTo(v, 9);
}

describe("journeys, attribution and paths on the eeghor/mta fixture", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createSite();
    await send(site, eeghorPeople());
  });

  it("credits every model exactly, each adding up to the 10 conversions", async () => {
    const body = await read(site, "/attribution?conversion=purchase&group_by=channel");
    expect(body).toMatchObject({ conversion: "purchase", conversions: 10, groupBy: "channel" });
    const m = body.models;
    expectCredits(m.first_touch, { direct: 2, search: 8 });
    expectCredits(m.last_touch, { direct: 2, email: 8 });
    expectCredits(m.last_non_direct, { direct: 2, email: 8 });
    expectCredits(m.linear, { direct: 2, search: 19 / 6, email: 19 / 6, social: 5 / 3 });
    expectCredits(m.position_based, { direct: 2, search: 3.5, email: 3.5, social: 1 });
    expectCredits(m.markov, markovCredits(fromPathTable(EEGHOR), 10));
    expect(Object.keys(m).sort()).toEqual([...MODELS].sort());
    for (const model of Object.values(m) as Record<string, number>[]) expect(sum(model)).toBeCloseTo(10, 9);
  });

  it("credits revenue as well when value=revenue", async () => {
    const body = await read(site, "/attribution?value=revenue");
    expect(body.revenue).toBe(1000);
    expectCredits(body.valueModels.linear, { direct: 200, search: 1900 / 6, email: 1900 / 6, social: 500 / 3 });
    expect(sum(body.valueModels.shapley)).toBeCloseTo(1000, 6);
    expectCredits(body.models.first_touch, { direct: 2, search: 8 });
  });

  it("keeps the journeys that touched a filtered channel", async () => {
    const body = await read(site, "/attribution?channel=social");
    expect(body.conversions).toBe(5);
    expectCredits(body.models.first_touch, { search: 5 });
  });

  it("summarises the journeys", async () => {
    const o = await read(site, "/overview");
    expect(o).toMatchObject({ people: 17, sessions: 40, events: 50, touchpoints: 40, journeys: 17, conversions: 10 });
    expect(o.conversionRate).toBeCloseTo(10 / 17, 12);
    expect(o.avgTouchpointsPerJourney).toBeCloseTo(40 / 17, 12);
    // From first touchpoint to purchase: 2 x 1 min, 3 x (1 day + 1 min), 5 x (2 days + 1 min).
    expect(o.medianTimeToConvertMs).toBe(1.5 * DAY + MIN);
  });

  it("gives the touchpoint histogram, channel mix and stages", async () => {
    const s = await read(site, "/journeys/stats");
    expect(s.journeys).toBe(17);
    expect(s.histogram).toEqual([
      { touchpoints: 1, journeys: 3, conversions: 2, conversionRate: 2 / 3 },
      { touchpoints: 2, journeys: 5, conversions: 3, conversionRate: 3 / 5 },
      { touchpoints: 3, journeys: 9, conversions: 5, conversionRate: 5 / 9 },
    ]);
    expect(s.channelCount).toEqual({ "1": 3 / 17, "2": 5 / 17, "3+": 9 / 17 });
    expect(s.stages).toEqual([{ stage: "decision", people: 10 }]);
  });

  it("ranks the paths to purchase and folds the rest into other", async () => {
    const body = await read(site, "/paths?to=purchase&top=2");
    expect(body.paths).toEqual([
      { steps: ["search", "social", "email"], journeys: 9, conversions: 5 },
      { steps: ["search", "email"], journeys: 5, conversions: 3 },
      { steps: ["other"], journeys: 3, conversions: 2 },
    ]);
    expect(body.sankey.links).toContainEqual({ source: 0, target: 1, value: 9 });
  });

  it("counts channel switches", async () => {
    const { channels, matrix } = await read(site, "/transitions");
    const at = (from: string, to: string) => matrix[channels.indexOf(from)][channels.indexOf(to)];
    expect(at("search", "email")).toBe(5);
    expect(at("search", "social")).toBe(9);
    expect(at("social", "email")).toBe(9);
    expect(at("email", "search")).toBe(0);
  });

  it("counts per channel, per day and per event name", async () => {
    const { channels } = await read(site, "/channels");
    expect(channels.find((c: any) => c.channel === "search")).toEqual({ channel: "search", sessions: 14, touchpoints: 14, conversions: 0 });
    expect(channels.find((c: any) => c.channel === "email")).toEqual({ channel: "email", sessions: 14, touchpoints: 14, conversions: 8 });
    const { events } = await read(site, "/event-names");
    expect(events).toEqual([{ name: "purchase", count: 10 }]);
    const { points } = await read(site, "/timeseries?interval=day");
    const first = points.find((p: any) => p.t === iso(base).slice(0, 10));
    expect(first).toMatchObject({ people: 17, sessions: 17, events: 19, conversions: 2 });
    expect(points).toHaveLength(31);
    const search = await read(site, "/timeseries?interval=day&channel=search");
    expect(search.points.find((p: any) => p.t === iso(base).slice(0, 10))).toMatchObject({ people: 14, sessions: 14, events: 14, conversions: 0 });
  });

  it("answers a repeated question from memory, and an event stored since in the next answer", async () => {
    const get = () => SELF.fetch(`${BASE}/api/sites/${site.id}/overview`, { headers: { authorization: `Bearer ${site.readToken}` } });
    await (await get()).arrayBuffer();
    const again = await get();
    expect(again.headers.get("x-parcours-cache")).toBe("hit");
    const before = await again.json<any>();
    await sendBatch(site, [{ type: "track", event: "purchase", userId: "e0-2", messageId: "late-buy", timestamp: iso(base + 3 * DAY) }]);
    const after = await waitFor(() => get().then((r) => r.json<any>()), (o) => o.events === before.events + 1);
    expect(after).toMatchObject({ events: before.events + 1, conversions: before.conversions + 1 });
  });

  it("answers a dashboard page's questions asked at once, just after a write", async () => {
    await sendBatch(site, [{ type: "page", userId: "e0-2", messageId: "page-view", timestamp: iso(base + 4 * DAY), context: { channel: "direct" } }]);
    // The debugger lists the newest event first: once it shows this one, it is stored.
    await waitFor(() => read(site, "/events?limit=1"), (b) => b.events[0]?.messageId === "page-view");
    const page = ["/overview", "/attribution", "/paths?to=purchase", "/transitions", "/journeys/stats"];
    const answers = await Promise.all(page.map((path) => SELF.fetch(`${BASE}/api/sites/${site.id}${path}`, { headers: { authorization: `Bearer ${site.readToken}` } })));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const bodies = await Promise.all(answers.map((r) => r.json<any>()));
    expect(bodies[1].conversions).toBe(bodies[0].conversions);
  });
});


describe("names that are also Object.prototype properties", () => {
  it("attributes a channel named constructor and a campaign named __proto__ as plain numbers", async () => {
    const { createSite, sendBatch, waitFor, countRows, read } = await import("./helpers");
    const site = await createSite();
    const t = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    const proto = { channel: "email", campaign: { source: "crm", medium: "email", name: "__proto__" } };
    await sendBatch(site, [
      { type: "track", event: "x", userId: "proto-1", messageId: "pr-1", timestamp: t(300), context: { channel: "constructor" } },
      { type: "track", event: "purchase", userId: "proto-1", messageId: "pr-2", timestamp: t(200), context: { channel: "constructor" }, properties: { revenue: 5 } },
      { type: "track", event: "x", userId: "proto-2", messageId: "pr-3", timestamp: t(300), context: proto },
      { type: "track", event: "purchase", userId: "proto-2", messageId: "pr-4", timestamp: t(200), context: proto, properties: { revenue: 7 } },
    ]);
    expect(await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (n) => n === 4)).toBe(4);
    const byChannel = await read(site, "/attribution?group_by=channel");
    expect(Object.keys(byChannel.models).sort()).toEqual([...MODELS].sort());
    for (const model of Object.values(byChannel.models) as Record<string, unknown>[]) expect(model.constructor).toBe(1);
    const byCampaign = await read(site, "/attribution?group_by=campaign");
    expect(Object.keys(byCampaign.models).sort()).toEqual([...MODELS].sort());
    for (const model of Object.values(byCampaign.models) as Record<string, unknown>[]) {
      expect(Object.getOwnPropertyDescriptor(model, "__proto__")?.value).toBe(1);
    }
    const roi = await read(site, "/roi?model=linear");
    expect(typeof roi.cost).toBe("number");
    expect(roi.rows.map((r: any) => r.group).sort()).toEqual(["constructor", "email"]);
  });
});

describe("site settings in remembered answers", () => {
  it("answers with the site's new default conversion once it is changed, with no event since", async () => {
    const { env } = await import("cloudflare:test");
    const site = await createSite();
    await send(site, [
      { type: "track", event: "purchase", userId: "set-1", messageId: "set-1", timestamp: iso(base) },
      { type: "track", event: "signup", userId: "set-2", messageId: "set-2", timestamp: iso(base) },
    ]);
    expect((await read(site, "/attribution")).conversion).toBe("purchase");
    const patch = await SELF.fetch(`${BASE}/api/admin/sites/${site.id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ conversions: ["signup"] }),
    });
    expect(patch.status).toBe(200);
    expect(await read(site, "/attribution")).toMatchObject({ conversion: "signup", conversions: 1 });
  });
});
