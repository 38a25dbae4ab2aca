// The worker's three entry points: HTTP, the queue consumers, and the cron.
import type { Bindings } from "./env";
import type { QueuePayload } from "./pipeline/payload";
import { app } from "./app";
import { consumeDeadLetters, consumeEvents } from "./pipeline/consumer";
import { runScheduled } from "./scheduled";
import { consumeWebhooks } from "./act/deliver";
import type { WebhookMessage } from "./act/emit";

export { IngestBuffer } from "./ingest/buffer";

export default {
  fetch: app.fetch,
  async queue(batch: MessageBatch<QueuePayload | WebhookMessage>, env: Bindings) {
    if (batch.queue.endsWith("-webhooks")) await consumeWebhooks(batch as MessageBatch<WebhookMessage>, env);
    else if (batch.queue.endsWith("-dlq")) await consumeDeadLetters(batch as MessageBatch<QueuePayload>, env);
    else await consumeEvents(batch as MessageBatch<QueuePayload>, env);
  },
  async scheduled(_controller: ScheduledController, env: Bindings, ctx: ExecutionContext) {
    ctx.waitUntil(runScheduled(env, Date.now()));
  },
} satisfies ExportedHandler<Bindings, QueuePayload | WebhookMessage>;
