// Archive layout and queue payload sizing. The R2 copy (NDJSON by site and hour) is what the
// replay sweep re-enqueues if the queue or the consumer loses a batch.
import type { EnrichedEvent, FilteredEvent, QueuePayload } from "../pipeline/payload";

// Queue messages are capped at 128 KB; stay well under it.
const MAX_QUEUE_MESSAGE_BYTES = 100 * 1024;

export function archiveKey(siteId: string, receivedAt: number, id: string): string {
  const d = new Date(receivedAt).toISOString(); // 2026-11-25T06:00:00.000Z
  return `raw/${siteId}/${d.slice(0, 10)}/${d.slice(11, 13)}/${receivedAt}-${id}.ndjson`;
}

/** Splits a batch into queue payloads under the size cap; every payload names the same archive object. */
export function toPayloads(siteId: string, key: string, events: EnrichedEvent[], filtered: FilteredEvent[]): QueuePayload[] {
  const out: QueuePayload[] = [];
  let cur: QueuePayload = { siteId, archiveKey: key, part: 0, parts: 0, events: [], filtered };
  let size = JSON.stringify(filtered).length + 200;
  for (const e of events) {
    const n = JSON.stringify(e).length + 1;
    if (cur.events.length > 0 && size + n > MAX_QUEUE_MESSAGE_BYTES) {
      out.push(cur);
      cur = { siteId, archiveKey: key, part: out.length, parts: 0, events: [], filtered: [] };
      size = 200;
    }
    cur.events.push(e);
    size += n;
  }
  out.push(cur);
  for (const p of out) p.parts = out.length;
  return out;
}

/** Writes one flush as one archive object (a payload per line) and gives back its key and payloads. */
export async function archiveFlush(bucket: R2Bucket, siteId: string, receivedAt: number, events: EnrichedEvent[], filtered: FilteredEvent[]) {
  const key = archiveKey(siteId, receivedAt, crypto.randomUUID());
  const payloads = toPayloads(siteId, key, events, filtered);
  const lines = payloads.map((p) => JSON.stringify(p));
  // The part count travels as metadata so the replay sweep can tell a fully stored object from a
  // partly stored one without reading it.
  await bucket.put(key, lines.join("\n") + "\n", {
    httpMetadata: { contentType: "application/x-ndjson" },
    customMetadata: { parts: String(payloads.length) },
  });
  return { key, payloads, lines };
}
