// Act on journeys (API.md "Act") inside workerd with the real D1 and queues: destinations and their
// refusals, Standard Webhooks signatures checked by the published verifier, the delivery consumer's
// retry schedule, follow-up rules sent once per person and start across runs.
import { createExecutionContext, createMessageBatch, env, getQueueResult, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import worker from "../../edge/src/index";
import { app } from "../../edge/src/app";
import { siteById } from "../../edge/src/sites/catalog";
import { runSiteAct } from "../../edge/src/jobs/act";
import { deliveryHeaders } from "../../edge/src/act/sign";
import { retryDelaySeconds } from "../../edge/src/act/backoff";
import { attemptDelivery } from "../../edge/src/act/deliver";
import type { WebhookMessage } from "../../edge/src/act/emit";
import { BASE, countRows, createSite, read, sendBatch, waitFor, type TestSite } from "./helpers";

const DAY = 86_400_000;
const admin = { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}`, "content-type": "application/json" };
const adminFetch = (path: string, method = "GET", body?: unknown) =>
  SELF.fetch(`${BASE}/api/admin/sites${path}`, { method, headers: admin, body: body === undefined ? undefined : JSON.stringify(body) });
// Nothing listens on the discard port: every attempt there fails at once.
const DEAD_URL = "http://127.0.0.1:9/hook";

async function addWebhook(site: TestSite, body: Record<string, unknown>) {
  const res = await adminFetch(`/${site.id}/webhooks`, "POST", { url: DEAD_URL, ...body });
  expect(res.status).toBe(201);
  return res.json<{ id: string; secret: string }>();
}

let n = 0;
const track = (userId: string, event: string, ts: number, channel: string) =>
  ({ type: "track", event, userId, messageId: `act-${++n}`, timestamp: new Date(ts).toISOString(), context: { channel } });

describe("destinations", () => {
  it("creates a destination with a secret shown once, lists it with its status, deletes it", async () => {
    const site = await createSite();
    const created = await addWebhook(site, { events: ["journey.stalled", "conversion"], format: "slack" });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const list = await (await adminFetch(`/${site.id}/webhooks`)).json<any>();
    expect(list.webhooks).toEqual([expect.objectContaining({ id: created.id, url: DEAD_URL, events: ["journey.stalled", "conversion"], format: "slack", status: "active" })]);
    expect(JSON.stringify(list)).not.toContain(created.secret.slice(6));
    expect((await adminFetch(`/${site.id}/webhooks/${created.id}`, "DELETE")).status).toBe(204);
    expect((await (await adminFetch(`/${site.id}/webhooks`)).json<any>()).webhooks).toEqual([]);
    expect((await adminFetch(`/${site.id}/webhooks/${created.id}/deliveries`)).status).toBe(404);
  });

  it("refuses bad bodies naming the field, unknown sites, and anyone but the admin", async () => {
    const site = await createSite();
    const cases: [unknown, string][] = [
      [{ url: "ftp://x.example", events: ["alert"] }, "url"],
      [{ url: DEAD_URL, events: [] }, "events"],
      [{ url: DEAD_URL, events: ["alert", "nope"] }, "events[1]"],
      [{ url: DEAD_URL, events: ["alert"], format: "xml" }, "format"],
      [[], "body"],
    ];
    for (const [body, field] of cases) {
      const res = await adminFetch(`/${site.id}/webhooks`, "POST", body);
      expect(res.status, field).toBe(400);
      expect((await res.json<any>()).error).toMatchObject({ code: "invalid_field", field });
    }
    expect((await adminFetch("/no-such-site/webhooks", "POST", { url: DEAD_URL, events: ["alert"] })).status).toBe(404);
    const asReader = await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/webhooks`, { headers: { authorization: `Bearer ${site.readToken}` } });
    expect(asReader.status).toBe(401);
    expect((await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/webhooks`)).status).toBe(401);
  });

  it("refuses private, loopback and plain-http destinations when the worker runs with the deployed settings", async () => {
    const site = await createSite();
    const deployed = { ...env, PARCOURS_LOCAL: undefined };
    const post = (url: string) => app.fetch(new Request(`${BASE}/api/admin/sites/${site.id}/webhooks`,
      { method: "POST", headers: admin, body: JSON.stringify({ url, events: ["alert"] }) }), deployed, createExecutionContext());
    for (const url of [DEAD_URL, "https://127.0.0.1/hook", "https://169.254.169.254/latest", "https://10.0.0.7/", "https://[::1]/", "https://localhost/"]) {
      const res = await post(url);
      expect(res.status, url).toBe(400);
      expect((await res.json<any>()).error, url).toMatchObject({ code: "invalid_field", field: "url" });
    }
    expect((await post("https://hooks.example.com/parcours")).status).toBe(201);
  });
});

describe("signing and delivery", () => {
  it("signs as Standard Webhooks: the published verifier accepts it, and refuses a changed body", async () => {
    const site = await createSite();
    const { secret } = await addWebhook(site, { events: ["alert"] });
    const body = JSON.stringify({ type: "alert", id: "msg_1", site: site.id, data: { value: 3 } });
    const headers = await deliveryHeaders(secret, "msg_1", Date.now(), body);
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace("3", "4"), headers)).toThrow();
    expect(() => new Webhook(`whsec_${btoa("another key of 24 bytes!")}`).verify(body, headers)).toThrow();
  });

  it("retries a failed attempt after the backoff under the same id, and marks it failed after the last", async () => {
    const site = await createSite();
    const hook = await addWebhook(site, { events: ["alert"] });
    const now = Date.now();
    await env.DB.prepare(
      `INSERT INTO webhook_deliveries (webhook_id, id, site_id, type, body, status, attempts, created_at, updated_at, next_attempt_at)
       VALUES (?, 'msg_retry', ?, 'alert', '{}', 'pending', 0, ?, ?, ?)`).bind(hook.id, site.id, now, now, now).run();
    const run = async () => {
      const batch = createMessageBatch<WebhookMessage>("parcours-webhooks", [{ id: "q1", timestamp: new Date(), attempts: 1, body: { webhookId: hook.id, id: "msg_retry" } }]);
      const ctx = createExecutionContext();
      await worker.queue(batch, env);
      return getQueueResult(batch, ctx);
    };
    const log = async () => (await (await adminFetch(`/${site.id}/webhooks/${hook.id}/deliveries`)).json<any>()).deliveries;

    const first = await run();
    // (The test harness's queue result drops the delay itself: the log says when the retry is due.)
    expect(first.retryMessages).toEqual([{ msgId: "q1" }]);
    const afterFirst = (await log())[0];
    expect(afterFirst).toMatchObject({ id: "msg_retry", status: "pending", attempts: 1, error: expect.any(String) });
    expect(afterFirst.nextAttemptAt - afterFirst.updatedAt).toBe(retryDelaySeconds(1)! * 1000);
    expect(retryDelaySeconds(1)).toBe(30);
    // Back too early (a copy from the overdue sweep): it waits for the rest of the delay, no attempt made.
    const early = await attemptDelivery(env, { webhookId: hook.id, id: "msg_retry" }, Date.now());
    expect(early).toBeGreaterThan(20);
    expect(early).toBeLessThanOrEqual(30);
    expect((await log())[0].attempts).toBe(1);
    // Due again: the second attempt waits twice as long.
    await attemptDelivery(env, { webhookId: hook.id, id: "msg_retry" }, afterFirst.nextAttemptAt);
    const afterSecond = (await log())[0];
    expect(afterSecond.attempts).toBe(2);
    expect(afterSecond.nextAttemptAt - afterSecond.updatedAt).toBe(60_000);

    // The last attempt: marked failed, the message acknowledged, the destination's failure count up.
    await env.DB.prepare("UPDATE webhook_deliveries SET attempts = 13, next_attempt_at = ? WHERE id = 'msg_retry'").bind(now).run();
    const last = await run();
    expect(last.retryMessages).toEqual([]);
    expect(last.explicitAcks).toEqual(["q1"]);
    expect((await log())[0]).toMatchObject({ status: "failed", attempts: 14 });
    expect(await countRows("SELECT failures AS n FROM webhooks WHERE id = ?", hook.id)).toBe(1);

    // A resend from the log starts over under the same webhook-id.
    const resent = await adminFetch(`/${site.id}/webhooks/${hook.id}/deliveries/msg_retry/resend`, "POST");
    expect(resent.status).toBe(202);
    expect(await resent.json()).toEqual({ id: "msg_retry", status: "pending" });
    expect((await adminFetch(`/${site.id}/webhooks/${hook.id}/deliveries/nope/resend`, "POST")).status).toBe(404);
  });

  it("a test send is logged for the destination, whatever it subscribed to", async () => {
    const site = await createSite();
    const hook = await addWebhook(site, { events: ["digest"] });
    const res = await adminFetch(`/${site.id}/webhooks/${hook.id}/test`, "POST");
    expect(res.status).toBe(202);
    const { id } = await res.json<any>();
    expect(id).toMatch(/^msg_/);
    const log = (await (await adminFetch(`/${site.id}/webhooks/${hook.id}/deliveries`)).json<any>()).deliveries;
    expect(log).toEqual([expect.objectContaining({ id, type: "webhook.test" })]);
  });
});

describe("follow-up rules", () => {
  it("sends the same /stalled row after the person's raw events aged out", async () => {
    const site = await createSite({ rawRetentionDays: 2, database: "DB" });
    const now = Date.now();
    const batch = [
      track("aged-1", "newsletter_open", now - 7 * DAY, "email"), track("aged-1", "quote_requested", now - 5 * DAY, "phone"),
      track("bought", "quote_requested", now - 5 * DAY, "web"), track("bought", "purchase", now - 4 * DAY, "web"),
    ];
    await sendBatch(site, batch);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (c) => c === batch.length);
    const before = await read(site, "/stalled?started=quote_requested&expected=purchase&after=3d");
    expect(before.people).toHaveLength(1);
    const maintenance = await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/maintenance`, { method: "POST", headers: { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}` } });
    expect((await maintenance.json<any>()).rawEventsDeleted).toBe(batch.length);
    const hook = await addWebhook(site, { events: ["journey.stalled"] });
    expect((await adminFetch(`/${site.id}/rules`, "POST", { name: "quote follow-up", started: "quote_requested", expected: "purchase", after: "3d" })).status).toBe(201);
    expect((await runSiteAct(env, (await siteById(env.DB, site.id, 0))!, now)).stalledSent).toBe(1);
    const sent = await env.DB.prepare("SELECT body FROM webhook_deliveries WHERE webhook_id = ?").bind(hook.id).first<{ body: string }>();
    const { rule: _, ...row } = JSON.parse(sent!.body).data;
    expect(row).toEqual(before.people[0]);
    // The last touchpoint and the contact channel came from the person's state.
    expect(row).toMatchObject({ userIds: ["aged-1"], contactChannel: "phone", lastTouchpoint: { channel: "phone", event: "quote_requested" } });
  });

  it("sends each stalled person once per rule and start, across runs, with the /stalled row as data", async () => {
    const site = await createSite();
    const now = Date.now();
    const batch = [
      track("stalled-1", "quote_requested", now - 5 * DAY, "phone"),
      track("bought", "quote_requested", now - 5 * DAY, "web"), track("bought", "purchase", now - 4 * DAY, "web"),
      track("recent", "quote_requested", now - 1 * DAY, "email"),
    ];
    await sendBatch(site, batch);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (c) => c === batch.length);
    const hook = await addWebhook(site, { events: ["journey.stalled"] });
    const other = await addWebhook(site, { events: ["alert"] });
    const rule = await adminFetch(`/${site.id}/rules`, "POST", { name: "quote follow-up", started: "quote_requested", expected: "purchase", after: "3d" });
    expect(rule.status).toBe(201);
    const { id: ruleId } = await rule.json<any>();
    const bad = await adminFetch(`/${site.id}/rules`, "POST", { started: "quote_requested", expected: "purchase", after: "soon" });
    expect((await bad.json<any>()).error.field).toBe("after");

    const s = (await siteById(env.DB, site.id, 0))!;
    expect((await runSiteAct(env, s, now)).stalledSent).toBe(1);
    const rows = async () => (await env.DB.prepare("SELECT id, type, body FROM webhook_deliveries WHERE webhook_id = ? ORDER BY created_at")
      .bind(hook.id).all<{ id: string; type: string; body: string }>()).results;
    const first = await rows();
    expect(first).toHaveLength(1);
    const body = JSON.parse(first[0].body);
    expect(body).toMatchObject({ type: "journey.stalled", id: first[0].id, site: site.id });
    const stalled = await read(site, "/stalled?started=quote_requested&expected=purchase&after=3d");
    expect(stalled.people).toHaveLength(1);
    const { rule: about, ...row } = body.data;
    expect(row).toEqual(stalled.people[0]);
    expect(row).toMatchObject({ userIds: ["stalled-1"], contactChannel: "phone" });
    expect(about).toEqual({ id: ruleId, name: "quote follow-up", started: "quote_requested", expected: "purchase", after: "3d" });
    // The destination that does not take journey.stalled got nothing.
    expect(await countRows("SELECT count(*) AS n FROM webhook_deliveries WHERE webhook_id = ?", other.id)).toBe(0);

    // The next run finds the same person: nothing new is sent.
    expect((await runSiteAct(env, s, now + 60_000)).stalledSent).toBe(0);
    expect(await rows()).toHaveLength(1);
    // Three days on, the recent quote has waited long enough: that person alone is sent.
    expect((await runSiteAct(env, s, now + 3 * DAY)).stalledSent).toBe(1);
    const later = await rows();
    expect(later).toHaveLength(2);
    expect(JSON.parse(later[1].body).data.userIds).toEqual(["recent"]);
    expect((await runSiteAct(env, s, now + 3 * DAY + 60_000)).stalledSent).toBe(0);
  });

  it("narrows a rule to a stage or a channel", async () => {
    const site = await createSite({ stages: { quote_requested: "consideration", purchase: "decision", ticket_opened: "service" } });
    const now = Date.now();
    const batch = [
      track("by-phone", "quote_requested", now - 5 * DAY, "phone"),
      track("by-web", "quote_requested", now - 5 * DAY, "web"), track("by-web", "ticket_opened", now - 4 * DAY, "web"),
    ];
    await sendBatch(site, batch);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (c) => c === batch.length);
    const hook = await addWebhook(site, { events: ["journey.stalled"] });
    await adminFetch(`/${site.id}/rules`, "POST", { started: "quote_requested", expected: "purchase", after: "3d", channel: "phone" });
    await adminFetch(`/${site.id}/rules`, "POST", { started: "quote_requested", expected: "purchase", after: "3d", stage: "service" });
    const s = (await siteById(env.DB, site.id, 0))!;
    expect((await runSiteAct(env, s, now)).stalledSent).toBe(2);
    const sent = (await env.DB.prepare("SELECT body FROM webhook_deliveries WHERE webhook_id = ?").bind(hook.id).all<{ body: string }>()).results
      .map((r) => JSON.parse(r.body).data).map((d) => `${d.rule.name.includes("quote") ? "" : ""}${d.userIds[0]}:${d.stage}`).sort();
    expect(sent).toEqual(["by-phone:consideration", "by-web:service"]);
  });
});

describe("risk and conversion events", () => {
  it("sends person.at_risk once per crossing of the site's threshold", async () => {
    const site = await createSite({ atRiskThreshold: 0.8 });
    const hook = await addWebhook(site, { events: ["person.at_risk"] });
    const s = (await siteById(env.DB, site.id, 0))!;
    const setScore = (person: string, score: number, at: number) => env.DB.prepare(
      `INSERT INTO churn_scores (site_id, person_id, score, factors, stage, computed_at) VALUES (?, ?, ?, '[{"feature":"quiet 14d","weight":1.2}]', 'service', ?)
       ON CONFLICT (site_id, person_id) DO UPDATE SET score = excluded.score, computed_at = excluded.computed_at`).bind(site.id, person, score, at).run();
    const now = Date.now();
    await setScore("p-high", 0.93, now);
    await setScore("p-low", 0.5, now);
    const sent = async () => (await env.DB.prepare("SELECT id, body FROM webhook_deliveries WHERE webhook_id = ? ORDER BY created_at, id")
      .bind(hook.id).all<{ id: string; body: string }>()).results;

    expect((await runSiteAct(env, s, now)).atRiskSent).toBe(1);
    const [first] = await sent();
    expect(JSON.parse(first.body).data).toMatchObject({ personId: "p-high", score: 0.93, threshold: 0.8, stage: "service", factors: [{ feature: "quiet 14d" }] });
    // Still above: nothing new.
    expect((await runSiteAct(env, s, now + 1)).atRiskSent).toBe(0);
    // Falls below, then crosses again: a new occurrence, with its own webhook-id.
    await setScore("p-high", 0.6, now + 3600_000);
    expect((await runSiteAct(env, s, now + 3600_000)).atRiskSent).toBe(0);
    await setScore("p-high", 0.9, now + 7200_000);
    expect((await runSiteAct(env, s, now + 7200_000)).atRiskSent).toBe(1);
    const both = await sent();
    expect(both).toHaveLength(2);
    expect(both[1].id).not.toBe(both[0].id);
    const refused = await adminFetch(`/${site.id}`, "PATCH", { atRiskThreshold: 2 });
    expect((await refused.json<any>()).error.field).toBe("atRiskThreshold");
  });

  it("sends each conversion stored after the destination once, with its journey's credits under the site's model", async () => {
    const site = await createSite();
    const now = Date.now();
    const before = [track("early", "purchase", now - 6 * DAY, "web")];
    await sendBatch(site, before);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (c) => c === 1);
    const hook = await addWebhook(site, { events: ["conversion"] });
    const s = () => siteById(env.DB, site.id, 0).then((x) => x!);
    const batch = [
      track("buyer", "newsletter_click", now - 3 * DAY, "email"), track("buyer", "visit", now - 2 * DAY, "social"),
      { ...track("buyer", "purchase", now - 1 * DAY, "web"), properties: { revenue: 120 } },
    ];
    await sendBatch(site, batch);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (c) => c === 4);
    expect((await runSiteAct(env, await s(), now)).conversionsSent).toBe(1);
    const bodies = async () => (await env.DB.prepare("SELECT body FROM webhook_deliveries WHERE webhook_id = ? ORDER BY created_at, id")
      .bind(hook.id).all<{ body: string }>()).results.map((r) => JSON.parse(r.body));
    const [sale] = await bodies();
    expect(sale.data).toMatchObject({ userIds: ["buyer"], event: "purchase", revenue: 120, model: "position_based" });
    // The site has one conversion in range: /attribution's position_based credits are this journey's.
    const attribution = await read(site, `/attribution?from=${now - 5 * DAY}`);
    expect(attribution.conversions).toBe(1);
    expect(Object.keys(sale.data.credits).sort()).toEqual(Object.keys(attribution.models.position_based).sort());
    for (const [channel, credit] of Object.entries(attribution.models.position_based)) expect(sale.data.credits[channel]).toBeCloseTo(credit as number, 9);
    expect(sale.data.touchpoints.map((t: any) => t.channel)).toEqual(["email", "social", "web"]);
    expect((await runSiteAct(env, await s(), now + 60_000)).conversionsSent).toBe(0);

    // Another model for the site: the next conversion carries its credits.
    expect((await adminFetch(`/${site.id}`, "PATCH", { attributionModel: "linear" })).status).toBe(200);
    await sendBatch(site, [track("buyer", "purchase", now - 1000, "web")]);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (c) => c === 5);
    // Run later than the first send, so the log's order (by creation time) puts it second.
    expect((await runSiteAct(env, await s(), now + 120_000)).conversionsSent).toBe(1);
    const second = (await bodies())[1];
    expect(second.data).toMatchObject({ model: "linear", credits: { web: 1 } });
    expect((await bodies()).map((b) => b.data.userIds[0])).not.toContain("early");
    expect((await adminFetch(`/${site.id}`, "PATCH", { attributionModel: "markov" })).status).toBe(400);
  });
});

describe("a conversion stored before its journey", () => {
  it("waits for the journey (the consumer writes it a step later), and after 15 minutes goes out without one", async () => {
    const site = await createSite();
    const hook = await addWebhook(site, { events: ["conversion"] });
    const now = Date.now();
    await sendBatch(site, [track("late", "newsletter_click", now - 2 * DAY, "email"), { ...track("late", "purchase", now - DAY, "web"), properties: { revenue: 10 } }]);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (c) => c === 2);
    await waitFor(() => countRows("SELECT count(*) AS n FROM journeys WHERE site_id = ?", site.id), (c) => c > 0);
    // As a sweep between the two writes of the consumer would find it: the event, no journey state.
    await env.DB.batch([
      env.DB.prepare("DELETE FROM journeys WHERE site_id = ?").bind(site.id),
      env.DB.prepare("DELETE FROM person_state WHERE site_id = ?").bind(site.id),
    ]);
    const s = (await siteById(env.DB, site.id, 0))!;
    expect((await runSiteAct(env, s, now)).conversionsSent).toBe(0);
    expect((await runSiteAct(env, s, now + 60_000)).conversionsSent).toBe(0);
    // Still no journey a quarter of an hour after it arrived: sent as it is, once.
    expect((await runSiteAct(env, s, now + 16 * 60_000)).conversionsSent).toBe(1);
    expect((await runSiteAct(env, s, now + 17 * 60_000)).conversionsSent).toBe(0);
    const [row] = (await env.DB.prepare("SELECT body FROM webhook_deliveries WHERE webhook_id = ?").bind(hook.id).all<{ body: string }>()).results;
    expect(JSON.parse(row.body).data).toMatchObject({ userIds: ["late"], event: "purchase", revenue: 10, credits: {}, touchpoints: [] });
  });
});

describe("alerts and the weekly digest", () => {
  const today = Math.floor(Date.now() / DAY) * DAY;

  it("sends an alert once per rule and period, and judges the next period anew", async () => {
    const site = await createSite();
    const yesterday = today - DAY / 2;
    const batch = [
      track("a1", "page_seen", yesterday, "web"), track("a2", "page_seen", yesterday + 1000, "web"), track("a3", "purchase", yesterday + 2000, "email"),
      track("a4", "page_seen", yesterday - DAY, "web"),
    ];
    await sendBatch(site, batch);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (c) => c === batch.length);
    const hook = await addWebhook(site, { events: ["alert"] });
    const add = async (body: Record<string, unknown>) => {
      const res = await adminFetch(`/${site.id}/alerts`, "POST", body);
      expect(res.status).toBe(201);
      return (await res.json<any>()).id as string;
    };
    const busy = await add({ name: "busy day", metric: "events", period: "day", above: 2 });
    const jump = await add({ name: "jump", metric: "events", period: "day", changePct: 100 });
    const quiet = await add({ name: "quiet day", metric: "events", period: "day", below: 1 });
    const sales = await add({ name: "sales", metric: "conversions", period: "day", above: 0 });
    for (const [body, field] of [[{ metric: "roas", above: 1 }, "channel"], [{ metric: "nope", above: 1 }, "metric"], [{ metric: "events" }, "above"], [{ metric: "events", above: "x" }, "above"], [{ metric: "events", above: 1, period: "month" }, "period"]] as const) {
      const res = await adminFetch(`/${site.id}/alerts`, "POST", body);
      expect(res.status, field).toBe(400);
      expect((await res.json<any>()).error.field).toBe(field);
    }
    const s = (await siteById(env.DB, site.id, 0))!;
    const sentFor = async () => (await env.DB.prepare("SELECT body FROM webhook_deliveries WHERE webhook_id = ?").bind(hook.id).all<{ body: string }>())
      .results.map((r) => JSON.parse(r.body).data);

    expect((await runSiteAct(env, s, today + 3600_000)).alertsSent).toBe(3);
    const first = await sentFor();
    expect(first.map((d) => d.rule.id).sort()).toEqual([busy, jump, sales].sort());
    expect(first.find((d) => d.rule.id === busy)).toMatchObject({ metric: "events", value: 3, previous: 1, period: "day", reason: "above 2", from: new Date(today - DAY).toISOString() });
    expect(first.find((d) => d.rule.id === jump)).toMatchObject({ value: 3, previous: 1, changePct: 200 });
    expect(first.find((d) => d.rule.id === sales)).toMatchObject({ metric: "conversions", value: 1 });
    // Later the same day: the same periods, nothing sent again.
    expect((await runSiteAct(env, s, today + 7200_000)).alertsSent).toBe(0);
    // The next day judges today, which had no events: only the quiet-day rule breaks.
    expect((await runSiteAct(env, s, today + DAY + 3600_000)).alertsSent).toBe(2);
    const next = (await sentFor()).filter((d) => d.from === new Date(today).toISOString());
    expect(next.map((d) => d.rule.id).sort()).toEqual([jump, quiet].sort());
    expect(next.find((d) => d.rule.id === jump)).toMatchObject({ value: 0, previous: 3, reason: expect.stringMatching(/^down 100\.0%/) });
    expect((await adminFetch(`/${site.id}/alerts/${quiet}`, "DELETE")).status).toBe(204);
    expect((await (await adminFetch(`/${site.id}/alerts`)).json<any>()).alerts.map((a: any) => a.id)).not.toContain(quiet);
  });

  it("sends the weekly digest on Monday only to destinations that opted in, once a week", async () => {
    const site = await createSite();
    // The Monday of this week (1970-01-05 was a Monday), just after midnight: never in the future.
    const monday = today - ((Math.floor(today / DAY) + 3) % 7) * DAY + 1;
    const batch = [
      track("d1", "newsletter_click", monday - 3 * DAY, "email"), track("d1", "purchase", monday - 2 * DAY, "email"),
      track("d2", "newsletter_click", monday - 3 * DAY, "email"), track("d2", "purchase", monday - 2 * DAY, "email"),
      track("d3", "purchase", monday - 9 * DAY, "web"),
    ];
    await sendBatch(site, batch);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (c) => c === batch.length);
    const digest = await addWebhook(site, { events: ["digest"] });
    const other = await addWebhook(site, { events: ["alert", "conversion"] });
    const s = (await siteById(env.DB, site.id, 0))!;
    expect((await runSiteAct(env, s, monday + DAY)).digestsSent).toBe(0); // a Tuesday
    expect((await runSiteAct(env, s, monday)).digestsSent).toBe(1);
    expect((await runSiteAct(env, s, monday + 3600_000)).digestsSent).toBe(0);
    const rows = (await env.DB.prepare("SELECT body FROM webhook_deliveries WHERE webhook_id = ?").bind(digest.id).all<{ body: string }>()).results;
    expect(rows).toHaveLength(1);
    const data = JSON.parse(rows[0].body).data;
    expect(data.from).toBe(new Date(monday - 1 - 7 * DAY).toISOString());
    expect(data.metrics.find((m: any) => m.name === "conversions")).toEqual({ name: "conversions", value: 2, previous: 1, changePct: 100 });
    expect(data.model).toBe("position_based");
    expect(data.topMovingChannels.map((m: any) => [m.channel, m.change])).toEqual([["email", 2], ["web", -1]]);
    expect(data.newStalled).toBe(0);
    expect(await countRows("SELECT count(*) AS n FROM webhook_deliveries WHERE webhook_id = ?", other.id)).toBe(0);
  });
});

describe("privacy", () => {
  it("a person's GDPR delete takes their deliveries (JSON and Slack) and once-only marks", async () => {
    const site = await createSite();
    const now = Date.now();
    const batch = [track("gone-user", "quote_requested", now - 5 * DAY, "phone"), track("kept-user", "quote_requested", now - 5 * DAY, "email")];
    await sendBatch(site, batch);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (c) => c === batch.length);
    await addWebhook(site, { events: ["journey.stalled"] });
    await addWebhook(site, { events: ["journey.stalled"], format: "slack" });
    await adminFetch(`/${site.id}/rules`, "POST", { started: "quote_requested", expected: "purchase", after: "3d" });
    expect((await runSiteAct(env, (await siteById(env.DB, site.id, 0))!, now)).stalledSent).toBe(2);
    const mentions = (who: string) => countRows("SELECT count(*) AS n FROM webhook_deliveries WHERE site_id = ? AND instr(body, ?) > 0", site.id, who);
    expect(await mentions("gone-user")).toBe(2);
    const del = await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/people/gone-user`, { method: "DELETE", headers: admin });
    expect(del.status).toBe(200);
    expect(await mentions("gone-user")).toBe(0);
    expect(await mentions("kept-user")).toBe(2);
    expect(await countRows("SELECT count(*) AS n FROM act_sent WHERE site_id = ? AND key LIKE 'rule:%'", site.id)).toBe(1);
  });

  it("keeps once-only marks 90 days and finished deliveries 30, risk marks while they hold", async () => {
    const site = await createSite();
    const hook = await addWebhook(site, { events: ["alert"] });
    const now = Date.now();
    const old = now - 91 * DAY;
    await env.DB.batch([
      env.DB.prepare("INSERT INTO act_sent (site_id, key, sent_at) VALUES (?1, 'rule:r:p:t', ?2), (?1, 'alert:a:1', ?3), (?1, 'risk:p', ?2)").bind(site.id, old, now - DAY),
      env.DB.prepare(`INSERT INTO webhook_deliveries (webhook_id, id, site_id, type, body, status, attempts, created_at, updated_at)
        VALUES (?1, 'msg_old', ?2, 'alert', '{}', 'delivered', 1, ?3, ?3), (?1, 'msg_new', ?2, 'alert', '{}', 'failed', 14, ?4, ?4), (?1, 'msg_wait', ?2, 'alert', '{}', 'pending', 3, ?3, ?3)`)
        .bind(hook.id, site.id, now - 31 * DAY, now - DAY),
      // Still at risk, so its mark holds however old.
      env.DB.prepare("INSERT INTO churn_scores (site_id, person_id, score, factors, stage, computed_at) VALUES (?, 'p', 0.99, '[]', NULL, ?)").bind(site.id, old),
    ]);
    await runSiteAct(env, (await siteById(env.DB, site.id, 0))!, now);
    const keys = (await env.DB.prepare("SELECT key FROM act_sent WHERE site_id = ? ORDER BY key").bind(site.id).all<{ key: string }>()).results.map((r) => r.key);
    expect(keys).toEqual(["alert:a:1", "risk:p"]);
    const ids = (await env.DB.prepare("SELECT id FROM webhook_deliveries WHERE webhook_id = ? ORDER BY id").bind(hook.id).all<{ id: string }>()).results.map((r) => r.id);
    expect(ids).toEqual(["msg_new", "msg_wait"]);
  });
});
