// Sends hand-off payloads to the queue within Queue.sendBatch's limits (100 messages, 256 KB
// per call). Used by the ingest buffer and by the replay sweep.
import type { QueuePayload } from "./payload";

const SEND_BATCH_MESSAGES = 100;
const SEND_BATCH_BYTES = 240 * 1024;

export async function enqueue(queue: Queue<QueuePayload>, payloads: QueuePayload[], serialized = payloads.map((p) => JSON.stringify(p)),
  delaySeconds = 0): Promise<void> {
  let group: { body: QueuePayload }[] = [];
  let bytes = 0;
  for (let i = 0; i < payloads.length; i++) {
    if (group.length === SEND_BATCH_MESSAGES || (group.length > 0 && bytes + serialized[i].length > SEND_BATCH_BYTES)) {
      await queue.sendBatch(group, { delaySeconds });
      group = [];
      bytes = 0;
    }
    group.push({ body: payloads[i] });
    bytes += serialized[i].length;
  }
  if (group.length) await queue.sendBatch(group, { delaySeconds });
}
