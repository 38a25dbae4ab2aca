// The worker's three entry points: HTTP, the queue consumers, and the cron.
import type { Bindings } from "./env";
import type { QueuePayload } from "./pipeline/payload";
import { app } from "./app";
import { consumeDeadLetters, consumeEvents } from "./pipeline/consumer";
import { runScheduled } from "./scheduled";
import { consumeWebhooks } from "./act/deliver";
import type { WebhookMessage } from "./act/emit";
import { isRebuildStep, rebuildStep, type RebuildStep } from "./jobs/rebuild";

export { IngestBuffer } from "./ingest/buffer";

type QueueMessage = QueuePayload | RebuildStep | WebhookMessage;

export default {
  fetch: app.fetch,
  async queue(batch: MessageBatch<QueueMessage>, env: Bindings) {
    if (batch.queue.endsWith("-webhooks")) return consumeWebhooks(batch as MessageBatch<WebhookMessage>, env);
    if (batch.queue.endsWith("-dlq")) return consumeDeadLetters(batch as MessageBatch<QueuePayload>, env);
    // Rebuild slices share the events queue so they never race the writes (one consumer at a time).
    const payloads: Message<QueuePayload>[] = [];
    for (const m of batch.messages) {
      if (!isRebuildStep(m.body)) payloads.push(m as Message<QueuePayload>);
      else await rebuildStep(env, m.body).then(() => m.ack(), (err) => { console.error("rebuild step failed", err); m.retry(); });
    }
    if (payloads.length) await consumeEvents(payloads, env);
  },
  async scheduled(_controller: ScheduledController, env: Bindings, ctx: ExecutionContext) {
    ctx.waitUntil(runScheduled(env, Date.now()));
  },
} satisfies ExportedHandler<Bindings, QueueMessage>;
