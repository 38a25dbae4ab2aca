// Marketing value on data whose right answers are known by construction, through the real
// ingest, queue, D1 and the admin API.
import { createExecutionContext, createScheduledController, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../edge/src/index";
import { describe, expect, it } from "vitest";
import { MODELS } from "@parcours/edge/api";
import { BASE, countRows, createSite, read, sendBatch, waitFor, type TestSite } from "./helpers";

const DAY = 86_400_000;
const now = Date.now();
const at = (daysAgo: number, minutes = 0) => new Date(now - daysAgo * DAY + minutes * 60_000).toISOString();
const admin = { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}`, "content-type": "application/json" };
const adminGet = async (path: string) => (await SELF.fetch(`${BASE}/api/admin${path}`, { headers: admin })).json();
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

    // Only e-mail touched the two buyers, so every model gives it both conversions: CPA 50 under each.
    for (const model of MODELS) {
      const under = await read(site, `/roi?model=${model}`);
      expect(under.rows.find((r: any) => r.group === "email"), model).toMatchObject({ conversions: 2, revenue: 300, cpa: 50, roas: 3 });
    }
    // Filtered to the journeys that touched the phone, the e-mail budget is not set against them.
    expect((await read(site, "/roi?model=linear&channel=phone")).rows).toEqual([expect.objectContaining({ group: "phone", mediaCost: 0, operationalCost: 5 })]);
    expect(await adminGet(`/sites/${site.id}/spend`)).toEqual({ rows: [{ day, channel: "email", campaign: "", amount: 100 }] });
    expect(await adminGet(`/sites/${site.id}/unit-costs`)).toEqual({ phone: 5 });
  });

  it("refuses costs for a site that does not exist, and bad unit costs naming the channel", async () => {
    const missing = await SELF.fetch(`${BASE}/api/admin/sites/no-such-site/spend`, { method: "PUT", headers: admin, body: JSON.stringify({ rows: [] }) });
    expect(missing.status).toBe(404);
    expect((await SELF.fetch(`${BASE}/api/admin/sites/no-such-site/unit-costs`, { headers: admin })).status).toBe(404);
    const site = await createSite();
    const bad = await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/unit-costs`, { method: "PUT", headers: admin, body: JSON.stringify({ phone: 6, chat: "cheap" }) });
    expect(bad.status).toBe(400);
    expect((await bad.json<any>()).error).toMatchObject({ code: "invalid_field", field: "chat" });
    const csv = await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/spend`, { method: "PUT", headers: { ...admin, "content-type": "text/csv" }, body: "day,channel,amount\n2026-02-30,email,1\n" });
    expect((await csv.json<any>()).error).toMatchObject({ code: "invalid_field", field: "line 2.day" });
    // Costs are the admin's: a site's own read token cannot write them.
    const asReader = await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/unit-costs`, { method: "PUT", headers: { authorization: `Bearer ${site.readToken}`, "content-type": "application/json" }, body: "{}" });
    expect(asReader.status).toBe(401);
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

  it("scores CSAT and CES, by stage, and finds the channel that precedes low scores", async () => {
    const site = await createSite();
    // Two people asked for a quote by chat and were unhappy; two browsed the web and were happy.
    const csat: [string, string, number][] = [["k1", "chat", 1], ["k2", "chat", 2], ["k3", "web", 4], ["k4", "web", 5]];
    const batch = [
      ...csat.flatMap(([user, channel, score]) => [
        track(user, channel === "chat" ? "quote_requested" : "browse", at(3), channel),
        track(user, "feedback", at(1), "email", { kind: "csat", score }),
      ]),
      ...[7, 5, 3].map((score, i) => track(`e${i}`, "feedback", at(1), "web", { kind: "ces", score })),
    ];
    await sendBatch(site, batch);
    await stored(site, batch.length);
    const s = await read(site, "/feedback?kind=csat");
    expect(s).toMatchObject({ kind: "csat", responses: 4, score: 50 });
    expect(s.byStage).toEqual(expect.arrayContaining([{ key: "consideration", responses: 2, score: 0 }, { key: "(none)", responses: 2, score: 100 }]));
    expect(s.byStep).toEqual([{ key: "1", responses: 4, score: 50 }]);
    // The survey's own e-mail is not a touchpoint before the answer.
    expect(s.precedingLowScores).toEqual([{ channel: "chat", lowShare: 1, baseShare: 0.5, lift: 2 }]);
    expect(await read(site, "/feedback?kind=ces")).toMatchObject({ responses: 3, score: 5 });
    expect(await read(site, "/feedback?kind=csat&country=ZZ")).toMatchObject({ responses: 0, score: null });
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
    // Within the hour the next cron keeps them rather than learning again.
    await sendBatch(site, [track("late", "browse", at(0), "web")]);
    await stored(site, batch.length + 1);
    const again = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "*/5 * * * *", scheduledTime: Date.now() }), env, again);
    await waitOnExecutionContext(again);
    expect((await read(site, "/at-risk")).computedAt).toBe(fromCron.computedAt);
    expect(await countRows("SELECT count(*) AS n FROM churn_scores WHERE site_id = ?", site.id)).toBe(9);

    const csv = await SELF.fetch(`${BASE}/api/sites/${site.id}/at-risk?format=csv`, { headers: { authorization: `Bearer ${site.readToken}` } });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect((await csv.text()).split(/\r?\n/)[0]).toBe("personId,score,stage,nextBestTouchpoint,factors");

    // Erasing a person erases their score and its factors too.
    const erased = await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/people/now-chatting`, { method: "DELETE", headers: admin });
    expect(erased.status).toBe(200);
    expect(await countRows("SELECT count(*) AS n FROM churn_scores WHERE site_id = ? AND person_id = ?", site.id, first.personId)).toBe(0);
  });

  it("suggests for a stalled person the channel that moved people on from their stage", async () => {
    const site = await createSite();
    const batch = [
      // Two asked for a quote on the web, were called, and bought on the call.
      ...["q1", "q2"].flatMap((u) => [track(u, "browse", at(10), "web"), track(u, "quote_requested", at(10, 5), "web"),
        track(u, "call", at(8), "phone"), track(u, "purchase", at(8, 10), "phone", { revenue: 500 })]),
      // One asked and has heard nothing since.
      track("s1", "browse", at(6), "web"), track("s1", "quote_requested", at(6, 5), "web"),
      // Three bought straight from an e-mail: overall, e-mail converts most.
      ...["e1", "e2", "e3"].flatMap((u) => [track(u, "newsletter_click", at(5), "email"), track(u, "purchase", at(5, 10), "email", { revenue: 50 })]),
    ];
    await sendBatch(site, batch);
    await stored(site, batch.length);
    const stalled = await read(site, "/at-risk?started=quote_requested&expected=purchase&after=3d");
    expect(stalled.people).toEqual([expect.objectContaining({ stage: "consideration", nextBestTouchpoint: "phone", stalledSince: at(6, 5) })]);
    expect((await read(site, `/people/${stalled.people[0].personId}/timeline`)).userIds).toEqual(["s1"]);
    // The follow-up list itself carries the same suggestion, in JSON and CSV.
    const followUp = await read(site, "/stalled?started=quote_requested&expected=purchase&after=3d");
    expect(followUp.people).toEqual([expect.objectContaining({ userIds: ["s1"], stage: "consideration", nextBestTouchpoint: "phone", contactChannel: "email" })]);
    const followUpCsv = await SELF.fetch(`${BASE}/api/sites/${site.id}/stalled?format=csv&started=quote_requested&expected=purchase&after=3d`, { headers: { authorization: `Bearer ${site.readToken}` } });
    const [followHeader, followRow] = (await followUpCsv.text()).split("\r\n");
    expect(followHeader.endsWith(",contactChannel,stage,nextBestTouchpoint")).toBe(true);
    expect(followRow.endsWith(",email,consideration,phone")).toBe(true);
    const everyone = await read(site, "/at-risk");
    expect(everyone.people).toHaveLength(6);
    // The buyers are at the decision stage, after which nothing was seen: the overall best.
    const deciding = everyone.people.filter((p: any) => p.stage === "decision");
    expect(deciding.length).toBeGreaterThan(0);
    for (const p of deciding) expect(p.nextBestTouchpoint).toBe("email");
    const csv = await SELF.fetch(`${BASE}/api/sites/${site.id}/at-risk?format=csv&started=quote_requested&expected=purchase`, { headers: { authorization: `Bearer ${site.readToken}` } });
    const [header, row] = (await csv.text()).split("\r\n");
    expect(header).toBe("personId,score,stage,nextBestTouchpoint,factors,stalledSince");
    expect(row).toContain(",consideration,phone,");
    const incomplete = await SELF.fetch(`${BASE}/api/sites/${site.id}/at-risk?started=quote_requested`, { headers: { authorization: `Bearer ${site.readToken}` } });
    expect(incomplete.status).toBe(400);
    expect((await incomplete.json<any>()).error.field).toBe("expected");
  });
});
