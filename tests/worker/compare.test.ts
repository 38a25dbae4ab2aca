// `compare=previous|year` on every read endpoint (API.md "Compare"): the answer's `previous` is the
// answer to the compared range asked directly, and `previousRange` names that range. The journeys
// are sent through ingest into three windows (this range, the one before it, a year before it),
// each a little different, so an answer that ignored the range could not pass.
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, createSite, DAY, HOUR, iso, messageMaker, read, sendBatch, todayUtc, waitFor, type TestSite } from "./helpers";
import { ENDPOINTS } from "./read-endpoints";

const today = todayUtc();
const { msg, track } = messageMaker("cmp");

/** One window's journeys from `at`: `buyers` people come by e-mail, ask a quote and buy; the rest as in the contract test. */
const window = (at: number, buyers: number) => [
  ...Array.from({ length: buyers }, (_, i) => `b${i + 1}`).flatMap((u, i) => [
    track(u, "newsletter_open", at + i * HOUR, { context: { channel: "email" } }),
    track(u, "quote_requested", at + i * HOUR + HOUR, { context: { channel: "web" } }),
    track(u, "purchase", at + i * HOUR + 2 * HOUR, { properties: { revenue: 100 * (i + 1) } }),
    track(u, "feedback", at + 3 * DAY, { properties: { kind: "nps", score: 10 - i * 3, comment: "ok" } }),
  ]),
  track("q1", "quote_requested", at, { context: { channel: "phone" } }),
  track("c1", "ticket_opened", at), track("c1", "unsubscribe", at + DAY),
  ...[1000, 3000, 5000].map((value, i) => track("v1", "web_vital", at + i * HOUR, { properties: { name: "LCP", value, path: "/" } })),
  msg({ type: "page", anonymousId: `anon-${at}`, context: { channel: "social", page: { path: "/pricing", url: "https://shop.example/pricing" } } }, at + 2 * HOUR),
];

// The asked range: the 20 days ending 10 days ago (day-aligned, inclusive); the previous one before it.
const from = today - 30 * DAY;
const to = today - 10 * DAY - 1;
const journeys = [...window(from + 2 * DAY, 4), ...window(from - 15 * DAY, 2), ...window(Date.UTC(new Date(from).getUTCFullYear() - 1, new Date(from).getUTCMonth(), new Date(from).getUTCDate()) + 3 * DAY, 3)];


// On /paths, `from=<event>` names the anchor, so the range is the 30 days up to `to`.
const anchored = (path: string) => path.startsWith("/paths?from=");
const withRange = (path: string, range: { from: number; to: number }, extra = "") =>
  `${path}${path.includes("?") ? "&" : "?"}${anchored(path) ? "" : `from=${iso(range.from)}&`}to=${iso(range.to)}${extra}`;
const askedRange = (path: string) => (anchored(path) ? { from: to - 30 * DAY, to } : { from, to });
/** /at-risk says when its scores were computed: now, for scores the cron has not stored yet. */
const timeless = (b: any) => (b && "computedAt" in b ? { ...b, computedAt: undefined } : b);

describe("compare", () => {
  let site: TestSite;

  beforeAll(async () => {
    site = await createSite();
    expect((await sendBatch(site, journeys)).status).toBe(200);
    const all = await waitFor(() => read(site, withRange("/overview", { from: 0, to: today })), (o) => o.events === journeys.length);
    expect(all.events).toBe(journeys.length);
  });

  it("previous: every endpoint's `previous` is the previous range asked directly", async () => {
    expect(ENDPOINTS.length).toBeGreaterThan(15);
    for (const [path, items] of ENDPOINTS) {
      const asked = askedRange(path);
      const previousRange = { from: asked.from - (asked.to - asked.from) - 1, to: asked.from - 1 };
      const compared = await read(site, withRange(path, asked, "&compare=previous"));
      const [current, previous] = await Promise.all([read(site, withRange(path, asked)), read(site, withRange(path, previousRange))]);
      expect(items(current).length, `${path} now`).toBeGreaterThan(0);
      expect(items(previous).length, `${path} before`).toBeGreaterThan(0);
      expect(compared.previousRange, path).toEqual({ from: iso(previousRange.from), to: iso(previousRange.to) });
      expect(timeless(compared.previous), path).toEqual(timeless(previous));
      const { previous: _p, previousRange: _r, ...rest } = compared;
      expect(timeless(rest), path).toEqual(timeless(current));
    }
    // The two windows differ (four buyers against two): the previous answer is not this one again.
    const overview = await read(site, withRange("/overview", { from, to }, "&compare=previous"));
    expect(overview.conversions).toBe(4);
    expect(overview.previous.conversions).toBe(2);
  });

  it("year: the same range a year earlier", async () => {
    const year = (ms: number) => { const d = new Date(ms); d.setUTCFullYear(d.getUTCFullYear() - 1); return d.getTime(); };
    let nonEmpty = 0;
    for (const [path, items] of ENDPOINTS) {
      const asked = askedRange(path);
      const previousRange = { from: year(asked.from), to: year(asked.to) };
      const compared = await read(site, withRange(path, asked, "&compare=year"));
      expect(compared.previousRange, path).toEqual({ from: iso(previousRange.from), to: iso(previousRange.to) });
      const direct = await read(site, withRange(path, previousRange));
      expect(timeless(compared.previous), path).toEqual(timeless(direct));
      if (items(direct).length > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(15);
    expect((await read(site, withRange("/overview", { from, to }, "&compare=year"))).previous.conversions).toBe(3);
  });

  it("the default range (no from/to) compares with the 30 days before it", async () => {
    const body = await read(site, "/overview?compare=previous");
    const prev = { from: Date.parse(body.previousRange.from), to: Date.parse(body.previousRange.to) };
    expect(prev.to - prev.from).toBe(30 * DAY);
    // Ends a millisecond before the asked range's start, which is 30 days before its (minute-rounded) end.
    expect(Math.abs(prev.to + 1 + 30 * DAY - Date.now())).toBeLessThan(2 * 60_000);
  });

  it("refuses a bad compare, and compare on a CSV answer, naming the field", async () => {
    const get = (path: string) => SELF.fetch(`${BASE}/api/sites/${site.id}${path}`, { headers: { authorization: `Bearer ${site.readToken}` } });
    for (const path of ["/overview?compare=last", "/overview?compare=", "/stalled?started=quote_requested&expected=purchase&format=csv&compare=previous"]) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect((await res.json<any>()).error).toMatchObject({ code: "invalid_field", field: "compare" });
    }
    // A bad neighbour still names itself.
    const res = await get("/overview?compare=previous&from=yesterday");
    expect(res.status).toBe(400);
    expect((await res.json<any>()).error.field).toBe("from");
  });
});
