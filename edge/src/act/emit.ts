// Sending an occurrence once: it is recorded as sent (act_sent) in the same D1 transaction as its
// deliveries, one per subscribed destination, then the deliveries go onto the webhook queue. The
// delivery id (webhook-id) is derived from the site and the occurrence key, so a sweep that runs
// twice, or two sweeps at once, can never make two different deliveries of the same occurrence.
import type { Bindings, Site } from "../env";
import type { WebhookRow } from "../db/schema";
import { sha256Hex } from "../auth/crypto";
import { siteDatabases, siteDb } from "../sites/site-db";
import { bodyFor, TEST_TYPE, type DeliveryType, type Format, type Occurrence } from "./payload";

export interface WebhookMessage {
  webhookId: string;
  id: string;
  /** The site whose database holds the delivery (absent in messages queued before sites had databases: DB). */
  siteId?: string;
}

export interface Item {
  /** What makes it once-only, e.g. "rule:<id>:<person>:<startedAt>". */
  key: string;
  /** What the webhook-id is derived from, when a key can be sent again later (a new crossing). */
  idKey?: string;
  data: Record<string, unknown>;
}

export const isLocal = (env: Bindings) => env.PARCOURS_LOCAL === "1";

export const occurrenceId = async (siteId: string, key: string) => `msg_${(await sha256Hex(`${siteId}\n${key}`)).slice(0, 32)}`;

export async function siteWebhooks(db: D1Database, siteId: string): Promise<WebhookRow[]> {
  const { results } = await db.prepare(
    `SELECT id, site_id AS siteId, url, events, format, secret, status, failures, created_at AS createdAt
     FROM webhooks WHERE site_id = ? ORDER BY created_at`).bind(siteId).all<Omit<WebhookRow, "events"> & { events: string }>();
  return results.map((r) => ({ ...r, events: JSON.parse(r.events) }));
}

const CHUNK = 400;

/**
 * Sends each item not sent before to every active destination of the site that takes `type`;
 * how many items were new. Items are marked sent even when no destination takes them yet, so a
 * destination added later starts from what happens next, not from the whole history.
 */
export async function emit(env: Bindings, site: Site, type: DeliveryType, items: Item[], now: number, hooks?: WebhookRow[]): Promise<number> {
  if (items.length === 0) return 0;
  const db = siteDb(env, site);
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i += CHUNK) {
    const { results } = await db.prepare("SELECT key FROM act_sent WHERE site_id = ?1 AND key IN (SELECT value FROM json_each(?2))")
      .bind(site.id, JSON.stringify(items.slice(i, i + CHUNK).map((it) => it.key))).all<{ key: string }>();
    for (const r of results) seen.add(r.key);
  }
  const fresh = [...new Map(items.filter((it) => !seen.has(it.key)).map((it) => [it.key, it])).values()];
  if (fresh.length === 0) return 0;
  const takers = (hooks ?? await siteWebhooks(db, site.id))
    .filter((h) => h.status === "active" && (type === TEST_TYPE || h.events.includes(type)));
  const messages: WebhookMessage[] = [];
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < fresh.length; i += CHUNK) {
    const part = fresh.slice(i, i + CHUNK);
    const rows: { w: string; i: string; b: string }[] = [];
    for (const it of part) {
      const o: Occurrence = { type, id: await occurrenceId(site.id, it.idKey ?? it.key), site: site.id, createdAt: now, data: it.data };
      for (const h of takers) {
        rows.push({ w: h.id, i: o.id, b: bodyFor(o, h.format as Format) });
        messages.push({ webhookId: h.id, id: o.id, siteId: site.id });
      }
    }
    statements.push(db.prepare("INSERT OR IGNORE INTO act_sent (site_id, key, sent_at) SELECT ?1, value, ?2 FROM json_each(?3)")
      .bind(site.id, now, JSON.stringify(part.map((it) => it.key))));
    if (rows.length) statements.push(db.prepare(
      `INSERT OR IGNORE INTO webhook_deliveries (webhook_id, id, site_id, type, body, status, attempts, created_at, updated_at, next_attempt_at)
       SELECT value->>'w', value->>'i', ?1, ?2, value->>'b', 'pending', 0, ?3, ?3, ?3 FROM json_each(?4)`)
      .bind(site.id, type, now, JSON.stringify(rows)));
  }
  await db.batch(statements);
  await enqueue(env, messages);
  return fresh.length;
}

export async function enqueue(env: Bindings, messages: WebhookMessage[], delaySeconds = 0) {
  for (let i = 0; i < messages.length; i += 100) {
    await env.WEBHOOKS.sendBatch(messages.slice(i, i + 100).map((body) => ({ body, delaySeconds })));
  }
}

// The local queue lives in memory and a deployed one may drop a message that ran out of retries:
// a pending delivery long past its due time is put on the queue again by the cron.
const OVERDUE_MS = 10 * 60_000;

export async function requeueOverdue(env: Bindings, now: number): Promise<number> {
  let requeued = 0;
  for (const { db } of siteDatabases(env)) {
    const { results } = await db.prepare(
      `UPDATE webhook_deliveries SET next_attempt_at = ?1
       WHERE rowid IN (SELECT rowid FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at < ?2 LIMIT 500)
       RETURNING webhook_id AS webhookId, id, site_id AS siteId`).bind(now, now - OVERDUE_MS).all<WebhookMessage>();
    await enqueue(env, results);
    requeued += results.length;
  }
  return requeued;
}
