// Act admin API (API.md "Act"): a site's webhook destinations and their delivery log, follow-up
// rules and alerts. The admin token, or the admin's dashboard login (the Settings view).
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env";
import type { WebhookRow } from "../db/schema";
import type { AlertRule, AlertsBody, FollowUpRule, RulesBody, CreatedWebhook, DeliveriesBody, Delivery, DeliveryQueued, Webhook, WebhookEvent, WebhookFormat, WebhooksBody, WebhookStatus } from "../query/api";
import { apiError } from "../errors";
import { randomToken } from "../auth/crypto";
import { refuseWhileMoving, requireAdminSite } from "../auth/middleware";
import { isPlainObject } from "../lib/guards";
import { emit, enqueue, isLocal, siteWebhooks } from "./emit";
import { parseAlertInput, parseRuleInput, parseWebhookInput } from "./input";
import { TEST_TYPE } from "./payload";
import { newSigningSecret } from "./sign";
import { startConversionCursor } from "./cursor";
import { siteDb } from "../sites/site-db";

export const actRoutes = new Hono<AppEnv>();
// Only on these paths: the other /api/admin/sites/:site routes keep their own guard (token only).
for (const path of ["/webhooks", "/webhooks/*", "/rules", "/rules/*", "/alerts", "/alerts/*"]) {
  // Webhooks, rules and alerts are the site's data.
  actRoutes.use(path, requireAdminSite(), refuseWhileMoving());
}

type C = Context<AppEnv>;
const MAX_PER_SITE = 20;
const notFound = (c: C, what: string) => c.json({ error: apiError("not_found", `no such ${what}`, "id") }, 404);
const bodyOf = (c: C) => c.req.json().catch(() => null);
const dataDb = (c: C) => siteDb(c.env, c.get("site"));

const publicWebhook = (h: WebhookRow): Webhook => ({
  id: h.id, url: h.url, events: h.events as WebhookEvent[], format: h.format as WebhookFormat, status: h.status as WebhookStatus,
  failures: h.failures, createdAt: h.createdAt,
});

async function webhookOf(c: C): Promise<WebhookRow | undefined> {
  return (await siteWebhooks(dataDb(c), c.get("site").id)).find((h) => h.id === c.req.param("id"));
}

actRoutes.post("/webhooks", async (c) => {
  const site = c.get("site");
  const parsed = parseWebhookInput(await bodyOf(c), isLocal(c.env));
  if (!parsed.ok) return c.json({ error: parsed.error }, 400);
  if ((await siteWebhooks(dataDb(c), site.id)).length >= MAX_PER_SITE) {
    return c.json({ error: apiError("limit_reached", `a site has at most ${MAX_PER_SITE} destinations`) }, 409);
  }
  const id = randomToken("wh_", 12);
  const secret = newSigningSecret();
  const now = Date.now();
  const { url, events, format } = parsed.value;
  await dataDb(c).prepare(
    "INSERT INTO webhooks (id, site_id, url, events, format, secret, status, failures, created_at) VALUES (?, ?, ?, ?, ?, ?, 'active', 0, ?)",
  ).bind(id, site.id, url, JSON.stringify(events), format, secret, now).run();
  if (events.includes("conversion")) await startConversionCursor(dataDb(c), site.id);
  // The secret is in this answer only: the list never shows it again.
  return c.json({ id, url, events, format, status: "active", failures: 0, createdAt: now, secret } satisfies CreatedWebhook, 201);
});

actRoutes.get("/webhooks", async (c) => {
  const hooks = await siteWebhooks(dataDb(c), c.get("site").id);
  const { results } = await dataDb(c).prepare(
    `SELECT webhook_id AS webhookId, status, count(*) AS n, max(updated_at) AS at FROM webhook_deliveries WHERE site_id = ? GROUP BY webhook_id, status`)
    .bind(c.get("site").id).all<{ webhookId: string; status: string; n: number; at: number }>();
  return c.json({
    webhooks: hooks.map((h) => {
      const counts = Object.fromEntries(results.filter((r) => r.webhookId === h.id).map((r) => [r.status, r.n]));
      const last = Math.max(0, ...results.filter((r) => r.webhookId === h.id).map((r) => r.at));
      return { ...publicWebhook(h), deliveries: { pending: counts.pending ?? 0, delivered: counts.delivered ?? 0, failed: counts.failed ?? 0 }, lastDeliveryAt: last || null };
    }),
  } satisfies WebhooksBody);
});

/** `{"status": "active"}` resumes a paused destination; `events` changes what it takes. */
actRoutes.patch("/webhooks/:id", async (c) => {
  const hook = await webhookOf(c);
  if (!hook) return notFound(c, "webhook");
  const body = await bodyOf(c);
  if (!isPlainObject(body)) return c.json({ error: apiError("invalid_field", "body must be a JSON object", "body") }, 400);
  const status = body.status ?? hook.status;
  if (status !== "active" && status !== "paused") return c.json({ error: apiError("invalid_field", "status must be active or paused", "status") }, 400);
  let events = hook.events;
  if (body.events !== undefined) {
    const parsed = parseWebhookInput({ url: hook.url, events: body.events, format: hook.format }, true);
    if (!parsed.ok) return c.json({ error: parsed.error }, 400);
    events = parsed.value.events;
  }
  await dataDb(c).prepare("UPDATE webhooks SET status = ?, events = ?, failures = CASE WHEN ? = 'active' THEN 0 ELSE failures END WHERE id = ?")
    .bind(status, JSON.stringify(events), status, hook.id).run();
  if (events.includes("conversion")) await startConversionCursor(dataDb(c), hook.siteId);
  return c.json(publicWebhook({ ...hook, status, events, failures: status === "active" ? 0 : hook.failures }));
});

actRoutes.delete("/webhooks/:id", async (c) => {
  const hook = await webhookOf(c);
  if (!hook) return notFound(c, "webhook");
  await dataDb(c).batch([
    dataDb(c).prepare("DELETE FROM webhooks WHERE id = ?").bind(hook.id),
    dataDb(c).prepare("DELETE FROM webhook_deliveries WHERE webhook_id = ?").bind(hook.id),
  ]);
  return c.body(null, 204);
});

actRoutes.get("/webhooks/:id/deliveries", async (c) => {
  const hook = await webhookOf(c);
  if (!hook) return notFound(c, "webhook");
  const limit = Math.max(1, Math.min(500, Number(c.req.query("limit") ?? 50) || 50));
  const { results } = await dataDb(c).prepare(
    `SELECT id, type, status, attempts, response_code AS responseCode, error, created_at AS createdAt, updated_at AS updatedAt,
            next_attempt_at AS nextAttemptAt
     FROM webhook_deliveries WHERE webhook_id = ? ORDER BY created_at DESC, id LIMIT ?`).bind(hook.id, limit).all<Delivery>();
  return c.json({ deliveries: results } satisfies DeliveriesBody);
});

/** A test send to this destination alone, whatever it subscribed to (and even when paused). */
actRoutes.post("/webhooks/:id/test", async (c) => {
  const hook = await webhookOf(c);
  if (!hook) return notFound(c, "webhook");
  const site = c.get("site");
  const key = `test:${hook.id}:${crypto.randomUUID()}`;
  const now = Date.now();
  await emit(c.env, site, TEST_TYPE, [{ key, data: { webhook: hook.id, message: "test delivery from Parcours" } }], now, [{ ...hook, status: "active" }]);
  const { id } = (await dataDb(c).prepare("SELECT id FROM webhook_deliveries WHERE webhook_id = ? AND type = ? ORDER BY created_at DESC LIMIT 1")
    .bind(hook.id, TEST_TYPE).first<{ id: string }>())!;
  return c.json({ id, status: "pending" } satisfies DeliveryQueued, 202);
});

/** Sends a logged delivery again, under the same webhook-id, with a fresh set of attempts. */
actRoutes.post("/webhooks/:id/deliveries/:delivery/resend", async (c) => {
  const hook = await webhookOf(c);
  if (!hook) return notFound(c, "webhook");
  const now = Date.now();
  const row = await dataDb(c).prepare(
    `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, error = NULL, updated_at = ?1, next_attempt_at = ?1
     WHERE webhook_id = ?2 AND id = ?3 RETURNING id`).bind(now, hook.id, c.req.param("delivery")).first<{ id: string }>();
  if (!row) return notFound(c, "delivery");
  await enqueue(c.env, [{ webhookId: hook.id, id: row.id, siteId: hook.siteId }]);
  return c.json({ id: row.id, status: "pending" } satisfies DeliveryQueued, 202);
});

// Follow-up rules and alerts: create, list, delete.

actRoutes.post("/rules", async (c) => {
  const parsed = parseRuleInput(await bodyOf(c));
  if (!parsed.ok) return c.json({ error: parsed.error }, 400);
  const r = parsed.value;
  const id = randomToken("rule_", 9);
  const createdAt = Date.now();
  await dataDb(c).prepare(
    "INSERT INTO follow_up_rules (id, site_id, name, started, expected, after, after_ms, stage, channel, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  ).bind(id, c.get("site").id, r.name, r.started, r.expected, r.after, r.afterMs, r.stage, r.channel, createdAt).run();
  const { afterMs: _ms, ...shown } = r;
  return c.json({ id, ...shown, createdAt } satisfies FollowUpRule, 201);
});

actRoutes.get("/rules", async (c) => {
  const { results } = await dataDb(c).prepare(
    "SELECT id, name, started, expected, after, stage, channel, created_at AS createdAt FROM follow_up_rules WHERE site_id = ? ORDER BY created_at")
    .bind(c.get("site").id).all<FollowUpRule>();
  return c.json({ rules: results } satisfies RulesBody);
});

/** DELETE of a site's rule or alert: 204, or 404 when the site has no such one. */
const deleteOwned = (table: "follow_up_rules" | "alert_rules", what: string) => async (c: C) => {
  const res = await dataDb(c).prepare(`DELETE FROM ${table} WHERE site_id = ? AND id = ?`).bind(c.get("site").id, c.req.param("id")).run();
  return res.meta.changes ? c.body(null, 204) : notFound(c, what);
};

actRoutes.delete("/rules/:id", deleteOwned("follow_up_rules", "rule"));

actRoutes.post("/alerts", async (c) => {
  const parsed = parseAlertInput(await bodyOf(c));
  if (!parsed.ok) return c.json({ error: parsed.error }, 400);
  const a = parsed.value;
  const id = randomToken("alert_", 9);
  const createdAt = Date.now();
  await dataDb(c).prepare(
    "INSERT INTO alert_rules (id, site_id, name, metric, channel, period, above, below, change_pct, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  ).bind(id, c.get("site").id, a.name, a.metric, a.channel, a.period, a.above, a.below, a.changePct, createdAt).run();
  return c.json({ id, ...a, createdAt } satisfies AlertRule, 201);
});

actRoutes.get("/alerts", async (c) => {
  const { results } = await dataDb(c).prepare(
    `SELECT id, name, metric, channel, period, above, below, change_pct AS changePct, created_at AS createdAt
     FROM alert_rules WHERE site_id = ? ORDER BY created_at`).bind(c.get("site").id).all<AlertRule>();
  return c.json({ alerts: results } satisfies AlertsBody);
});

actRoutes.delete("/alerts/:id", deleteOwned("alert_rules", "alert"));


