// The webhook queue's consumer: one HTTP attempt per message, the outcome written to the delivery
// log. A 2xx ends a delivery; anything else is retried on the queue with the backoff of backoff.ts,
// under the same webhook-id and body, until the last attempt marks it failed. A queue batch costs
// three D1 round trips whatever its size (read all, write all, then the failure counts): per
// message they were the bound on throughput (~50 deliveries/s locally).
import type { Bindings } from "../env";
import type { DeliveryRow } from "../db/schema";
import { MAX_RETRY_S, retryDelaySeconds, shouldPause } from "./backoff";
import { checkDestinationUrl } from "./destination-url";
import { isLocal, type WebhookMessage } from "./emit";
import { deliveryHeaders } from "./sign";
import { siteDb } from "../sites/site-db";
import { sitesNow } from "../sites/catalog";
import { fenceCheck } from "../sites/move-fence";

const TIMEOUT_MS = 15_000;
const MOVE_WAIT_S = 30;

type Due = Pick<DeliveryRow, "webhookId" | "id" | "body" | "status" | "attempts" | "nextAttemptAt"> & { url: string; secret: string };

/** What one message's attempt came to: seconds until it comes back (null: done), and what to write. */
interface Outcome {
  again: number | null;
  write?: { row: Due; code: number | null; error: string | null };
}

async function post(row: Due, local: boolean, now: number): Promise<{ code: number | null; error: string | null; retryable: boolean }> {
  const target = checkDestinationUrl(row.url, local);
  if (!target.ok) return { code: null, error: target.message, retryable: false };
  try {
    const res = await fetch(target.url, {
      method: "POST", body: row.body, headers: await deliveryHeaders(row.secret, row.id, now, row.body),
      // A redirect could lead anywhere, a private address included: it counts as a failure.
      redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.body?.cancel();
    return { code: res.status, error: res.status >= 200 && res.status <= 299 ? null : `HTTP ${res.status}`, retryable: true };
  } catch (e) {
    return { code: null, error: e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 300) : "fetch failed", retryable: true };
  }
}

async function attempt(row: Due | undefined, local: boolean, now: number): Promise<Outcome> {
  if (!row || row.status !== "pending") return { again: null };
  // A copy that came early (the overdue sweep, a resend) waits for the due time.
  if (row.nextAttemptAt !== null && row.nextAttemptAt > now + 1000) return { again: Math.min(MAX_RETRY_S, Math.ceil((row.nextAttemptAt - now) / 1000)) };
  const { code, error, retryable } = await post(row, local, now);
  const delay = error === null || !retryable ? null : retryDelaySeconds(row.attempts + 1);
  return { again: delay, write: { row, code, error } };
}

/** One attempt for each message; per message, seconds until it should come back, or null. */
export async function deliverAll(env: Bindings, msgs: WebhookMessage[], now: number): Promise<(number | null)[]> {
  // A batch may hold several sites' deliveries: each site's are read and written in its database.
  const bySite = new Map<string, number[]>();
  msgs.forEach((m, i) => bySite.set(m.siteId ?? "", [...(bySite.get(m.siteId ?? "") ?? []), i]));
  const again: (number | null)[] = msgs.map(() => null);
  const sites = await sitesNow(env.DB, [...bySite.keys()].filter(Boolean));
  for (const [siteId, at] of bySite) {
    const site = siteId ? sites.get(siteId) : null;
    if (siteId && !site) continue; // the site is gone, and its deliveries with it
    // A moving site's log is being copied: its deliveries wait, so no outcome is written behind the copy.
    if (site?.movingTo) {
      for (const i of at) again[i] = MOVE_WAIT_S;
      continue;
    }
    const db = site ? siteDb(env, site) : env.DB;
    const out = await deliverIn(env, db, siteId, at.map((i) => msgs[i]), now);
    at.forEach((i, k) => (again[i] = out[k]));
  }
  return again;
}

async function deliverIn(env: Bindings, db: D1Database, siteId: string, msgs: WebhookMessage[], now: number): Promise<(number | null)[]> {
  const { results } = await db.prepare(
    `SELECT d.webhook_id AS webhookId, d.id, d.body, d.status, d.attempts, d.next_attempt_at AS nextAttemptAt, w.url, w.secret
     FROM json_each(?1) m JOIN webhook_deliveries d ON d.webhook_id = m.value->>'webhookId' AND d.id = m.value->>'id'
     JOIN webhooks w ON w.id = d.webhook_id`).bind(JSON.stringify(msgs)).all<Due>();
  const byKey = new Map(results.map((r) => [`${r.webhookId}\n${r.id}`, r]));
  const local = isLocal(env);
  // The same delivery twice in one batch (a resend beside its retry) is attempted once.
  const seen = new Set<string>();
  const outcomes = await Promise.all(msgs.map((m) => {
    const key = `${m.webhookId}\n${m.id}`;
    if (seen.has(key)) return { again: null } as Outcome;
    seen.add(key);
    return attempt(byKey.get(key), local, now);
  }));
  const at = Date.now();
  const writes: D1PreparedStatement[] = [];
  const failedHooks: string[] = [];
  for (const { again, write } of outcomes) {
    if (!write) continue;
    const { row, code, error } = write;
    const status = error === null ? "delivered" : again === null ? "failed" : "pending";
    writes.push(db.prepare(`UPDATE webhook_deliveries SET status = ?, attempts = ?, response_code = ?, error = ?, updated_at = ?, next_attempt_at = ?
      WHERE webhook_id = ? AND id = ?`).bind(status, row.attempts + 1, code, error, at, again === null ? null : at + again * 1000, row.webhookId, row.id));
    if (status === "delivered") writes.push(db.prepare("UPDATE webhooks SET failures = 0 WHERE id = ?").bind(row.webhookId));
    if (status === "failed") failedHooks.push(row.webhookId);
  }
  // Fenced when a move began meanwhile: the batch comes back (consumeWebhooks) and is sent again after it.
  if (writes.length) await db.batch(siteId ? [fenceCheck(db, siteId), ...writes] : writes);
  if (failedHooks.length) {
    const counted = await db.batch(failedHooks.map((id) => db.prepare("UPDATE webhooks SET failures = failures + 1 WHERE id = ? RETURNING id, failures").bind(id)));
    const pause = counted.flatMap((r) => r.results as { id: string; failures: number }[]).filter((h) => shouldPause(h.failures)).map((h) => h.id);
    if (pause.length) await db.prepare("UPDATE webhooks SET status = 'paused' WHERE id IN (SELECT value FROM json_each(?))").bind(JSON.stringify(pause)).run();
  }
  return outcomes.map((o) => o.again);
}

/** One message alone (the tests drive the schedule step by step with it). */
export const attemptDelivery = async (env: Bindings, msg: WebhookMessage, now: number) => (await deliverAll(env, [msg], now))[0];

export async function consumeWebhooks(batch: MessageBatch<WebhookMessage>, env: Bindings) {
  let again: (number | null)[];
  try {
    again = await deliverAll(env, batch.messages.map((m) => m.body), Date.now());
  } catch (e) {
    // D1 unavailable or similar: nothing was recorded, so every message comes back.
    console.error("webhook delivery", e instanceof Error ? e.message : e);
    batch.retryAll({ delaySeconds: 30 });
    return;
  }
  batch.messages.forEach((m, i) => (again[i] === null ? m.ack() : m.retry({ delaySeconds: again[i]! })));
}
