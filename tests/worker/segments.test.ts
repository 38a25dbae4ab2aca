// Segments (API.md "segments"): saved people filters, and `segment=ID` narrowing what every read
// answer counts. The data set is written out by hand below, and each filter's people are listed by
// hand from it; the counts an answer must give are counted from that list, never from the code.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, createSite, read, sendBatch, waitFor, type TestSite } from "./helpers";
import { siteById } from "../../edge/src/sites/catalog";
import { segmentPeople } from "../../edge/src/query/segments/resolve";
import { peopleFitSql } from "../../edge/src/query/load/horizon";
import { channelCounts, cohortActivity, countEventsAndPeople, countSessions, countTouchpoints, eventNames, eventSeries } from "../../edge/src/query/load/counts";
import { firstTimes, namedEvents, peopleByStage } from "../../edge/src/query/load/aggregates";
import { loadJourneys } from "../../edge/src/query/load/journeys";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const today = Date.now() - (Date.now() % DAY);
const T0 = today - 20 * DAY;
const from = T0;
const to = T0 + 10 * DAY - 1;
const iso = (ms: number) => new Date(ms).toISOString();
const DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const MOBILE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

interface Row { at: number; event: string; channel: string; country: string; mobile?: boolean; revenue?: number }
/** Who did what: `anon` people are known by an anonymousId only. Every event is its own session (an hour or more apart). */
const PEOPLE: Record<string, { anon?: boolean; rows: Row[] }> = {
  p1: { rows: [
    { at: T0 - 5 * DAY, event: "newsletter_open", channel: "email", country: "FR" },
    { at: T0 + DAY, event: "quote_requested", channel: "web", country: "FR" },
    { at: T0 + DAY + 2 * HOUR, event: "purchase", channel: "web", country: "FR", revenue: 500 },
  ] },
  p2: { rows: [
    { at: T0 + 2 * DAY, event: "product_view", channel: "paid_search", country: "DE", mobile: true },
    { at: T0 + 2 * DAY + 2 * HOUR, event: "purchase", channel: "paid_search", country: "DE", mobile: true, revenue: 50 },
  ] },
  p3: { anon: true, rows: [
    { at: T0 + 3 * DAY, event: "product_view", channel: "social", country: "FR", mobile: true },
    { at: T0 + 3 * DAY + 2 * HOUR, event: "quote_requested", channel: "social", country: "FR", mobile: true },
  ] },
  p4: { rows: [
    { at: T0 + 4 * DAY, event: "newsletter_open", channel: "email", country: "DE" },
    { at: T0 + 5 * DAY, event: "unsubscribe", channel: "email", country: "DE" },
  ] },
  p5: { rows: [
    { at: T0 + 4 * DAY, event: "quote_requested", channel: "phone", country: "FR" },
    { at: T0 + 6 * DAY, event: "purchase", channel: "phone", country: "FR", revenue: 100 },
  ] },
  p6: { anon: true, rows: [{ at: T0 + 7 * DAY, event: "product_view", channel: "web", country: "US" }] },
  // Only before the range: in no segment of it.
  p7: { rows: [{ at: T0 - 3 * DAY, event: "newsletter_open", channel: "email", country: "FR" }] },
  p8: { rows: [
    { at: T0 + 8 * DAY, event: "product_view", channel: "web", country: "FR" },
    { at: T0 + 8 * DAY + 2 * HOUR, event: "purchase", channel: "web", country: "FR", revenue: 20 },
  ] },
};

let seq = 0;
const messages = Object.entries(PEOPLE).flatMap(([id, p]) => p.rows.map((r) => ({
  type: "track", event: r.event, messageId: `seg${++seq}`, timestamp: iso(r.at),
  ...(p.anon ? { anonymousId: `anon-${id}` } : { userId: id }),
  properties: r.revenue === undefined ? {} : { revenue: r.revenue },
  context: { channel: r.channel, location: { country: r.country }, userAgent: r.mobile ? MOBILE : DESKTOP },
})));

/** Each filter field, and combinations, with the people it holds in [from, to], read off the table above. */
const CASES: [Record<string, unknown>, string[]][] = [
  [{ firstTouchChannel: "email" }, ["p1", "p4"]],
  [{ anyTouchChannel: "email" }, ["p4"]],
  [{ anyTouchChannel: "web" }, ["p1", "p6", "p8"]],
  [{ stage: "consideration" }, ["p1", "p3", "p5"]],
  [{ stage: "decision" }, ["p1", "p2", "p5", "p8"]],
  [{ country: "FR" }, ["p1", "p3", "p5", "p8"]],
  [{ device: "mobile" }, ["p2", "p3"]],
  [{ did: "purchase" }, ["p1", "p2", "p5", "p8"]],
  [{ didNot: "purchase" }, ["p3", "p4", "p6"]],
  // Seven people in the range: the top ceil(0.7) = 1 by revenue.
  [{ highValue: true }, ["p1"]],
  [{ identified: true }, ["p1", "p2", "p4", "p5", "p8"]],
  [{ identified: false }, ["p3", "p6"]],
  [{ country: "FR", did: "purchase" }, ["p1", "p5", "p8"]],
  [{ identified: false, device: "mobile" }, ["p3"]],
  [{ country: "US", did: "purchase" }, []],
];

const inRange = (r: Row) => r.at >= from && r.at <= to;
/** What /overview must count for these people, straight from the table. */
function direct(people: string[]) {
  const rows = people.flatMap((id) => PEOPLE[id].rows.filter(inRange));
  return { people: people.length, events: rows.length, sessions: rows.length, touchpoints: rows.length, conversions: rows.filter((r) => r.event === "purchase").length };
}

const range = `from=${iso(from)}&to=${iso(to)}`;
const headers = (site: TestSite) => ({ authorization: `Bearer ${site.readToken}`, "content-type": "application/json" });
async function createSegment(site: TestSite, name: string, filter: unknown) {
  const res = await SELF.fetch(`${BASE}/api/sites/${site.id}/segments`, { method: "POST", headers: headers(site), body: JSON.stringify({ name, filter }) });
  return { status: res.status, body: await res.json<any>() };
}
const nameOf = (e: { userId: string | null; anonymousId: string | null }) => e.userId ?? e.anonymousId!.replace(/^anon-/, "");

describe("segments", () => {
  let site: TestSite;
  const ids = new Map<string, string>();
  const key = (filter: Record<string, unknown>) => JSON.stringify(filter);

  beforeAll(async () => {
    // Raw events older than 12 days age out when maintenance runs (the last test): the range straddles that horizon.
    site = await createSite({ rawRetentionDays: 12 });
    expect((await sendBatch(site, messages)).status).toBe(200);
    const all = await waitFor(() => read(site, `/overview?from=0&to=${today}`), (o) => o.events === messages.length);
    expect(all.events).toBe(messages.length);
    expect(CASES.length).toBeGreaterThan(10);
    for (const [filter] of CASES) {
      const created = await createSegment(site, key(filter), filter);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: expect.any(String), name: key(filter), filter });
      ids.set(key(filter), created.body.id);
    }
  });

  it("lists the site's segments", async () => {
    const { segments } = await read(site, "/segments");
    expect(segments.map((s: any) => s.filter)).toEqual(CASES.map(([f]) => f));
  });

  it("each filter field narrows /overview to its people, counted straight from the data set", async () => {
    const everyone = await read(site, `/overview?${range}`);
    expect(everyone.people).toBe(7);
    for (const [filter, people] of CASES) {
      const body = await read(site, `/overview?${range}&segment=${ids.get(key(filter))}`);
      expect(body, key(filter)).toMatchObject(direct(people));
    }
  });

  it("each filter field narrows /events and /event-names to its people", async () => {
    for (const [filter, people] of CASES) {
      const { events } = await read(site, `/events?limit=500&${range}&segment=${ids.get(key(filter))}`);
      expect(new Set(events.map(nameOf)), key(filter)).toEqual(new Set(people));
      const names = await read(site, `/event-names?${range}&segment=${ids.get(key(filter))}`);
      const want = new Map<string, number>();
      for (const id of people) for (const r of PEOPLE[id].rows.filter(inRange)) want.set(r.event, (want.get(r.event) ?? 0) + 1);
      expect(Object.fromEntries(names.events.map((e: any) => [e.name, e.count])), key(filter)).toEqual(Object.fromEntries(want));
    }
  });

  it("two segments' attributions side by side each add up to their own conversions", async () => {
    const [fr, mobile] = await Promise.all([{ country: "FR" }, { device: "mobile" }].map((f) => read(site, `/attribution?${range}&segment=${ids.get(key(f))}`)));
    expect(fr.conversions).toBe(direct(["p1", "p3", "p5", "p8"]).conversions);
    expect(mobile.conversions).toBe(direct(["p2", "p3"]).conversions);
    expect(fr.conversions).toBe(3);
    expect(mobile.conversions).toBe(1);
    for (const body of [fr, mobile]) {
      const models = Object.entries(body.models as Record<string, Record<string, number>>);
      expect(models.length).toBe(8);
      for (const [model, credits] of models) expect(Object.values(credits).reduce((a, b) => a + b, 0), model).toBeCloseTo(body.conversions, 9);
    }
    // Mobile's one sale came by paid search alone.
    expect(mobile.models.first_touch).toEqual({ paid_search: 1 });
  });

  it("a person outside the segment has no timeline under it", async () => {
    const seg = ids.get(key({ device: "mobile" }));
    expect((await read(site, `/people/p2/timeline?${range}&segment=${seg}`)).events.length).toBe(2);
    const res = await SELF.fetch(`${BASE}/api/sites/${site.id}/people/p1/timeline?${range}&segment=${seg}`, { headers: headers(site) });
    expect(res.status).toBe(404);
  });

  it("refuses bad segments naming the field, and unknown ids", async () => {
    const bad: [unknown, string][] = [
      [{ did: "" }, "filter.did"], [{ highValue: false }, "filter.highValue"], [{ identified: "yes" }, "filter.identified"],
      [{ country: 3 }, "filter.country"], [{ colour: "red" }, "filter.colour"], [{}, "filter"], ["x", "filter"], [{ stage: "x".repeat(201) }, "filter.stage"],
    ];
    for (const [filter, field] of bad) {
      const res = await createSegment(site, "bad", filter);
      expect(res.status, JSON.stringify(filter)).toBe(400);
      expect(res.body.error).toMatchObject({ code: "invalid_field", field });
    }
    expect((await createSegment(site, "", { did: "purchase" })).body.error.field).toBe("name");
    const get = (q: string) => SELF.fetch(`${BASE}/api/sites/${site.id}/overview?${q}`, { headers: headers(site) });
    const unknown = await get("segment=seg_nope");
    expect(unknown.status).toBe(404);
    expect((await unknown.json<any>()).error.field).toBe("segment");
    const malformed = await get("segment=a%20b");
    expect(malformed.status).toBe(400);
    expect((await malformed.json<any>()).error.field).toBe("segment");
    // A write key never reads, nor saves segments.
    const write = await SELF.fetch(`${BASE}/api/sites/${site.id}/segments`, { method: "POST", headers: { authorization: `Bearer ${site.writeKey}` }, body: "{}" });
    expect([401, 403]).toContain(write.status);
  });

  it("a deleted segment answers 404 at once, even for a kept answer", async () => {
    const created = await createSegment(site, "gone soon", { did: "purchase" });
    const q = `/overview?${range}&segment=${created.body.id}`;
    expect((await read(site, q)).people).toBe(4);
    const del = await SELF.fetch(`${BASE}/api/sites/${site.id}/segments/${created.body.id}`, { method: "DELETE", headers: headers(site) });
    expect(del.status).toBe(200);
    expect((await SELF.fetch(`${BASE}/api/sites/${site.id}${q}`, { headers: headers(site) })).status).toBe(404);
    expect((await SELF.fetch(`${BASE}/api/sites/${site.id}/segments/${created.body.id}`, { method: "DELETE", headers: headers(site) })).status).toBe(404);
    expect((await read(site, "/segments")).segments.some((s: any) => s.id === created.body.id)).toBe(false);
  });

  it("a person set too large for one SQL parameter is read from the states, with the same answers", async () => {
    const s = (await siteById(env.DB, site.id, 0))!;
    const r = { from, to };
    const fr = await segmentPeople(env.DB, s, { country: "FR" }, r);
    expect([...fr.ids].length).toBe(4);
    // Padding keys name no identity: the same people, but past what D1 takes in one parameter.
    const padded = { ids: fr.ids, keys: [...fr.keys, ...Array.from({ length: 25_000 }, (_, i) => `x:padding-${i}-${"p".repeat(32)}`)] };
    expect(peopleFitSql(fr)).toBe(true);
    expect(peopleFitSql(padded)).toBe(false);
    const ask = (people: typeof fr) => {
      const filter = { people };
      return Promise.all([
        countEventsAndPeople(env.DB, s.id, r, filter), countSessions(env.DB, s.id, r, filter), countTouchpoints(env.DB, s.id, r, filter),
        channelCounts(env.DB, s.id, r, filter, "purchase"), eventNames(env.DB, s.id, r, filter), eventSeries(env.DB, s.id, r, filter, "day", "purchase"),
        cohortActivity(env.DB, s.id, r, filter, "week").then((a) => ({ ...a, activeBuckets: [...a.activeBuckets].sort() })),
        namedEvents(env.DB, s.id, r, filter, null, { withChannel: true }).then((m) => [...m].sort()),
        peopleByStage(env.DB, s.id, r, filter), firstTimes(env.DB, s.id, r, filter),
        loadJourneys(env.DB, s.id, { ...r, filter, conversion: "purchase", lookbackMs: 30 * DAY }),
        loadJourneys(env.DB, s.id, { ...r, filter, conversion: "quote_requested", lookbackMs: 7 * DAY }),
      ]);
    };
    const [small, large] = [await ask(fr), await ask(padded)];
    expect((small[0] as { people: number }).people).toBe(4);
    // Row lists in any order (each loader's own order is by time, ties aside).
    const rows = (x: unknown) => (Array.isArray(x) ? x.map((r) => JSON.stringify(r)).sort() : x);
    small.forEach((answer, i) => expect(rows(large[i]), `answer ${i}`).toEqual(rows(answer)));
  });

  it("gives the same answers after raw events age out of D1", async () => {
    const paths = ["/overview", "/attribution", "/funnel?steps=product_view,purchase", "/paths?conversion=purchase", "/timeseries?interval=day",
      "/channels", "/event-names", "/journeys/stats", "/retention?interval=week", "/churn?event=unsubscribe", "/transitions",
      "/stalled?started=quote_requested&expected=purchase&after=1d"];
    const answers = async () => {
      const out: unknown[] = [];
      for (const [filter] of CASES) for (const p of paths) out.push(await read(site, `${p}${p.includes("?") ? "&" : "?"}${range}&segment=${ids.get(key(filter))}`));
      return out;
    };
    const before = await answers();
    expect(before.length).toBe(CASES.length * paths.length);
    const res = await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/maintenance`, { method: "POST", headers: { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    expect((await res.json<any>()).rawEventsDeleted).toBeGreaterThan(0);
    // Part of the range is now read from the people's states only.
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM events WHERE site_id = ? AND ts < ?").bind(site.id, today - 12 * DAY).first<{ n: number }>();
    expect(left!.n).toBe(0);
    expect(await answers()).toEqual(before);
    for (const [filter, people] of CASES) {
      expect(await read(site, `/overview?${range}&segment=${ids.get(key(filter))}`), key(filter)).toMatchObject(direct(people));
    }
    const stalled = await read(site, `/stalled?started=quote_requested&expected=purchase&after=1d&${range}&segment=${ids.get(key({ country: "FR" }))}`);
    // FR people who asked a quote and had not bought a day later: p3 (never) and p5 (two days later).
    expect(stalled.people.map((p: any) => p.userIds[0] ?? "anon").sort()).toEqual(["anon", "p5"]);
  });
});
