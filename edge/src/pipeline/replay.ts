// The replay sweep: any archived batch in R2 that the consumer has not recorded as stored (the
// queue lost it, the process was killed) is re-enqueued. Storage dedupes by messageId, so a batch
// replayed while its original is still in flight is stored once all the same.
import type { Bindings } from "../env";
import type { QueuePayload } from "./payload";
import { enqueue } from "./enqueue";

export interface ReplayResult { scanned: number; replayed: number }

/** Hour prefixes (raw/<site>/YYYY-MM-DD/HH/) from `since` to `until`. */
export function hourPrefixes(siteId: string, since: number, until: number): string[] {
  const out: string[] = [];
  for (let t = since - (since % 3_600_000); t <= until; t += 3_600_000) {
    const d = new Date(t).toISOString();
    out.push(`raw/${siteId}/${d.slice(0, 10)}/${d.slice(11, 13)}/`);
  }
  return out;
}

/** Replays batches archived in [since, until − minAge] that were never stored. */
export async function replayMissing(env: Pick<Bindings, "DB" | "ARCHIVE" | "QUEUE">, siteIds: string[], since: number,
  now: number, minAgeMs = 60_000): Promise<ReplayResult> {
  const result: ReplayResult = { scanned: 0, replayed: 0 };
  for (const siteId of siteIds) {
    for (const prefix of hourPrefixes(siteId, since, now)) {
      let cursor: string | undefined;
      do {
        const list = await env.ARCHIVE.list({ prefix, cursor, limit: 1000 });
        cursor = list.truncated ? list.cursor : undefined;
        const keys = list.objects.map((o) => o.key).filter((k) => Number(k.split("/").pop()!.split("-")[0]) <= now - minAgeMs);
        result.scanned += keys.length;
        if (!keys.length) continue;
        const { results } = await env.DB.prepare("SELECT key FROM ingested_batches WHERE key IN (SELECT value FROM json_each(?))")
          .bind(JSON.stringify(keys)).all<{ key: string }>();
        const done = new Set(results.map((r) => r.key));
        for (const key of keys.filter((k) => !done.has(k))) {
          const obj = await env.ARCHIVE.get(key);
          if (!obj) continue;
          const payloads = (await obj.text()).split("\n").filter(Boolean).map((l) => JSON.parse(l) as QueuePayload);
          await enqueue(env.QUEUE, payloads);
          result.replayed++;
        }
      } while (cursor);
    }
  }
  return result;
}
