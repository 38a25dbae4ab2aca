// The webhook queue's consumer: one HTTP attempt per message, the outcome written to the delivery
// log. A 2xx ends a delivery; anything else is retried on the queue with the backoff of backoff.ts,
// under the same webhook-id and body, until the last attempt marks it failed.
import type { Bindings } from "../env";
import type { DeliveryRow } from "../db/schema";
import { MAX_RETRY_S, retryDelaySeconds, shouldPause } from "./backoff";
import { checkDestinationUrl } from "./destination-url";
import { isLocal, type WebhookMessage } from "./emit";
import { deliveryHeaders } from "./sign";

const TIMEOUT_MS = 15_000;

type Due = DeliveryRow & { url: string; secret: string };

/** Seconds until the message should come back, or null when it is done with. */
export async function attemptDelivery(env: Bindings, msg: WebhookMessage, now: number): Promise<number | null> {
  const row = await env.DB.prepare(
    `SELECT d.webhook_id AS webhookId, d.id, d.site_id AS siteId, d.type, d.body, d.status, d.attempts,
            d.next_attempt_at AS nextAttemptAt, w.url, w.secret
     FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.webhook_id = ? AND d.id = ?`)
    .bind(msg.webhookId, msg.id).first<Due>();
  if (!row || row.status !== "pending") return null;
  // A copy that came early (the overdue sweep, a resend) waits for the due time.
  if (row.nextAttemptAt !== null && row.nextAttemptAt > now + 1000) return Math.min(MAX_RETRY_S, Math.ceil((row.nextAttemptAt - now) / 1000));
  const target = checkDestinationUrl(row.url, isLocal(env));
  let code: number | null = null;
  let error: string | null = null;
  if (!target.ok) {
    error = target.message;
  } else {
    try {
      const res = await fetch(target.url, {
        method: "POST", body: row.body, headers: await deliveryHeaders(row.secret, row.id, now, row.body),
        // A redirect could lead anywhere, a private address included: it counts as a failure.
        redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      code = res.status;
      await res.body?.cancel();
      if (code < 200 || code > 299) error = `HTTP ${code}`;
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 300) : "fetch failed";
    }
  }
  const attempts = row.attempts + 1;
  const at = Date.now();
  if (error === null) {
    await env.DB.batch([
      env.DB.prepare(`UPDATE webhook_deliveries SET status = 'delivered', attempts = ?, response_code = ?, error = NULL, updated_at = ?, next_attempt_at = NULL
        WHERE webhook_id = ? AND id = ?`).bind(attempts, code, at, row.webhookId, row.id),
      env.DB.prepare("UPDATE webhooks SET failures = 0 WHERE id = ?").bind(row.webhookId),
    ]);
    return null;
  }
  const delay = target.ok ? retryDelaySeconds(attempts) : null;
  if (delay === null) {
    const [, hook] = await env.DB.batch([
      env.DB.prepare(`UPDATE webhook_deliveries SET status = 'failed', attempts = ?, response_code = ?, error = ?, updated_at = ?, next_attempt_at = NULL
        WHERE webhook_id = ? AND id = ?`).bind(attempts, code, error, at, row.webhookId, row.id),
      env.DB.prepare("UPDATE webhooks SET failures = failures + 1 WHERE id = ? RETURNING failures").bind(row.webhookId),
    ]);
    const failures = (hook.results[0] as { failures: number } | undefined)?.failures ?? 0;
    if (shouldPause(failures)) await env.DB.prepare("UPDATE webhooks SET status = 'paused' WHERE id = ?").bind(row.webhookId).run();
    return null;
  }
  await env.DB.prepare(`UPDATE webhook_deliveries SET attempts = ?, response_code = ?, error = ?, updated_at = ?, next_attempt_at = ?
    WHERE webhook_id = ? AND id = ?`).bind(attempts, code, error, at, at + delay * 1000, row.webhookId, row.id).run();
  return delay;
}

export async function consumeWebhooks(batch: MessageBatch<WebhookMessage>, env: Bindings) {
  await Promise.all(batch.messages.map(async (m) => {
    try {
      const again = await attemptDelivery(env, m.body, Date.now());
      if (again === null) m.ack();
      else m.retry({ delaySeconds: again });
    } catch (e) {
      // D1 unavailable or similar: the attempt was not recorded, so the same message comes back.
      console.error("webhook delivery", m.body.id, e instanceof Error ? e.message : e);
      m.retry({ delaySeconds: 30 });
    }
  }));
}
