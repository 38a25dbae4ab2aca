// Marketing value on data whose right answers are known by construction, through the real
// ingest, queue, D1 and the admin API.
import { createExecutionContext, createScheduledController, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../edge/src/index";
import { describe, expect, it } from "vitest";
import { BASE, countRows, createSite, read, sendBatch, waitFor, type TestSite } from "./helpers";

const DAY = 86_400_000;
const now = Date.now();
const at = (daysAgo: number, minutes = 0) => new Date(now - daysAgo * DAY + minutes * 60_000).toISOString();
const admin = { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}`, "content-type": "application/json" };
let n = 0;
const track = (userId: string, event: string, when: string, channel: string, properties: Record<string, unknown> = {}) =>
  ({ type: "track", event, userId, messageId: `mk-${++n}`, timestamp: when, context: { channel }, properties });

async function stored(site: TestSite, count: number) {
  await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (c) => c === count);
}

describe("costs and returns", () => {
  it("records spend (JSON and CSV) and unit costs, and answers CPA, ROAS and cost per touchpoint", async () => {
    const site = await createSite();
    const batch = [
      track("u1", "newsletter_click", at(3), "email"), track("u1", "purchase", at(1), "email", { revenue: 100 }),
      track("u2", "newsletter_click", at(2), "email"), track("u2", "purchase", at(1, 10), "email", { revenue: 200 }),
      track("u3", "call", at(2), "phone"),
    ];
    await sendBatch(site, batch);
    await stored(site, batch.length);
    const day = at(2).slice(0, 10);
    const json = await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/spend`, { method: "PUT", headers: admin, body: JSON.stringify({ rows: [{ day, channel: "email", amount: 60 }] }) });
    expect(await json.json()).toEqual({ upserted: 1 });
    // The CSV import replaces the same day's row (60 -> 100).
    const csv = await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/spend`, { method: "PUT", headers: { ...admin, "content-type": "text/csv" }, body: `day,channel,campaign,amount\n${day},email,,100\n` });
    expect(csv.status).toBe(200);
    const bad = await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/spend`, { method: "PUT", headers: admin, body: JSON.stringify({ rows: [{ day, channel: "email", amount: -1 }] }) });
    expect(bad.status).toBe(400);
    expect((await bad.json<any>()).error.field).toBe("rows[0].amount");
    await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/unit-costs`, { method: "PUT", headers: admin, body: JSON.stringify({ phone: 5 }) });

    const roi = await read(site, "/roi?model=linear&group_by=channel");
    const by = Object.fromEntries(roi.rows.map((r: any) => [r.group, r]));
    expect(roi).toMatchObject({ model: "linear", conversions: 2, revenue: 300, cost: 105 });
    expect(by.email).toMatchObject({ touchpoints: 4, mediaCost: 100, cost: 100, conversions: 2, revenue: 300, cpa: 50, roas: 3, costPerTouchpoint: 25 });
    expect(by.phone).toMatchObject({ touchpoints: 1, operationalCost: 5, cpa: null, roas: 0 });
    expect((await SELF.fetch(`${BASE}/api/sites/${site.id}/roi?model=nope`, { headers: { authorization: `Bearer ${site.readToken}` } })).status).toBe(400);
  });
});

describe("what customers say", () => {
  it("scores NPS the standard way and lists comments", async () => {
    const site = await createSite();
    const scores = [9, 10, 9, 8, 3];
    const batch = scores.map((score, i) => track(`f${i}`, "feedback", at(1, i), i === 4 ? "phone" : "email", { kind: "nps", score, ...(i === 4 ? { comment: "<b>too slow</b>" } : {}) }));
    await sendBatch(site, batch);
    await stored(site, batch.length);
    const nps = await read(site, "/feedback?kind=nps");
    expect(nps).toMatchObject({ kind: "nps", responses: 5, score: 40 });
    expect(nps.byChannel).toEqual(expect.arrayContaining([{ key: "phone", responses: 1, score: -100 }, { key: "email", responses: 4, score: 75 }]));
    expect(nps.comments).toEqual([expect.objectContaining({ comment: "<b>too slow</b>", score: 3, channel: "phone" })]);
  });
});

describe("who is worth most and who is about to leave", () => {
  it("splits the top spenders from the rest, and ranks the person who looks like past churners first", async () => {
    const site = await createSite();
    const batch = [
      track("big", "purchase", at(2), "store", { revenue: 900 }), track("small", "purchase", at(2), "web", { revenue: 50 }),
      // Four people chatted, then unsubscribed; six only browsed and stayed.
      ...[0, 1, 2, 3].flatMap((i) => [track(`c${i}`, "chat_started", at(10), "chat"), track(`c${i}`, "unsubscribe", at(9), "email")]),
      ...[0, 1, 2, 3, 4, 5].map((i) => track(`w${i}`, "browse", at(3), "web")),
      track("now-chatting", "chat_started", at(1), "chat"),
    ];
    await sendBatch(site, batch);
    await stored(site, batch.length);
    const value = await read(site, "/segments/value?by=revenue&top=0.5");
    expect(value.segment).toMatchObject({ people: 1, revenue: 900, orders: 1 });
    expect(value.segment.channels).toEqual([{ channel: "store", people: 1, share: 1 }]);

    const risk = await read(site, "/at-risk?limit=5");
    expect(risk.people[0]).toMatchObject({ personId: expect.any(String) });
    const first = risk.people[0];
    expect(first.factors.map((f: any) => f.feature)).toContain("channel:chat");
    expect(first.score).toBeGreaterThan(risk.people[risk.people.length - 1].score);
    const timeline = await read(site, `/people/${first.personId}/timeline`);
    expect(timeline.userIds).toEqual(["now-chatting"]);

    // The cron stores the ranking; the list then reads it.
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "*/5 * * * *", scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await countRows("SELECT count(*) AS n FROM churn_scores WHERE site_id = ?", site.id)).toBe(9); // everyone but the 4 who left
    const fromCron = await read(site, "/at-risk?limit=1");
    expect(fromCron.people[0].personId).toBe(first.personId);

    const csv = await SELF.fetch(`${BASE}/api/sites/${site.id}/at-risk?format=csv`, { headers: { authorization: `Bearer ${site.readToken}` } });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect((await csv.text()).split(/\r?\n/)[0]).toBe("personId,score,stage,nextBestTouchpoint,factors");
  });
});
