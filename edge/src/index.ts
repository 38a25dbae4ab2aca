// The worker's three entry points: HTTP, the queue consumers, and the cron.
import type { Bindings } from "./env";
import type { QueuePayload } from "./pipeline/payload";
import { app } from "./app";
import { consumeDeadLetters, consumeEvents, DEFER_SECONDS } from "./pipeline/consumer";
import { isFenced } from "./sites/move-fence";
import { runScheduled } from "./scheduled";
import { consumeWebhooks } from "./act/deliver";
import type { WebhookMessage } from "./act/emit";
import { isRebuildStep, rebuildStep, type RebuildStep } from "./jobs/rebuild";
import { isMoveStep, moveStep, type MoveStep } from "./jobs/move-site";

export { IngestBuffer } from "./ingest/buffer";

type QueueMessage = QueuePayload | RebuildStep | MoveStep | WebhookMessage;

export default {
  fetch: app.fetch,
  async queue(batch: MessageBatch<QueueMessage>, env: Bindings) {
    if (batch.queue.endsWith("-webhooks")) return consumeWebhooks(batch as MessageBatch<WebhookMessage>, env);
    if (batch.queue.endsWith("-dlq")) return consumeDeadLetters(batch as MessageBatch<QueuePayload>, env);
    // Rebuild slices share the events queue so they never race the writes (one consumer at a time).
    const payloads: Message<QueuePayload>[] = [];
    for (const m of batch.messages) {
      // Move steps too: a copy step never runs beside a write of the same consumer.
      if (isMoveStep(m.body)) await moveStep(env, m.body).then(() => m.ack(), (err) => { console.error("move step failed", err); m.retry(); });
      else if (!isRebuildStep(m.body)) payloads.push(m as Message<QueuePayload>);
      else await rebuildStep(env, m.body).then(() => m.ack(), async (err) => {
        // The site is moving: the slice waits for it, as a new message so the wait costs no retry.
        if (isFenced(err)) return env.QUEUE.send(m.body as never, { delaySeconds: DEFER_SECONDS }).then(() => m.ack());
        console.error("rebuild step failed", err);
        m.retry();
      });
    }
    if (payloads.length) await consumeEvents(payloads, env);
  },
  async scheduled(_controller: ScheduledController, env: Bindings, ctx: ExecutionContext) {
    ctx.waitUntil(runScheduled(env, Date.now()));
  },
} satisfies ExportedHandler<Bindings, QueueMessage>;
