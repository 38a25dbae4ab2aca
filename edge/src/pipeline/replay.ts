// The replay sweep: any archived batch in R2 that the consumer has not recorded as stored (the
// queue lost it, the process was killed) is re-enqueued. Storage dedupes by messageId, so a batch
// replayed while its original is still in flight is stored once all the same.
import type { Bindings } from "../env";
import { partKey, type QueuePayload } from "./payload";
import { enqueue } from "./enqueue";
import { siteDbById, type SiteDatabases } from "../sites/site-db";

/** Archive objects looked at, and queue payloads (parts) sent again. */
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

/** The recorded parts among `expected`, read in chunks that keep each bound JSON small. */
async function recordedParts(db: D1Database, expected: string[]): Promise<Set<string>> {
  const done = new Set<string>();
  for (let i = 0; i < expected.length; i += 2000) {
    const { results } = await db.prepare("SELECT key FROM ingested_batches WHERE key IN (SELECT value FROM json_each(?))")
      .bind(JSON.stringify(expected.slice(i, i + 2000))).all<{ key: string }>();
    for (const r of results) done.add(r.key);
  }
  return done;
}

/**
 * Replays the parts of batches archived in [since, until − minAge] that were never stored. Parts
 * are tracked one by one: a queue can lose some messages of a flush and deliver the others.
 */
export async function replayMissing(env: SiteDatabases & Pick<Bindings, "ARCHIVE" | "QUEUE">, siteIds: string[], since: number,
  now: number, minAgeMs = 60_000): Promise<ReplayResult> {
  const result: ReplayResult = { scanned: 0, replayed: 0 };
  for (const siteId of siteIds) {
    // What was stored is recorded in the site's database, beside its events.
    const db = await siteDbById(env, siteId, 0);
    if (!db) continue;
    for (const prefix of hourPrefixes(siteId, since, now)) {
      let cursor: string | undefined;
      do {
        const list = await env.ARCHIVE.list({ prefix, cursor, limit: 1000, include: ["customMetadata"] });
        cursor = list.truncated ? list.cursor : undefined;
        const objects = list.objects
          .filter((o) => Number(o.key.split("/").pop()!.split("-")[0]) <= now - minAgeMs)
          .map((o) => ({ key: o.key, parts: Number(o.customMetadata?.parts ?? 1) }));
        result.scanned += objects.length;
        const expected = objects.flatMap((o) => Array.from({ length: o.parts }, (_, i) => partKey(o.key, i)));
        const done = await recordedParts(db, expected);
        for (const o of objects) {
          if (Array.from({ length: o.parts }, (_, i) => partKey(o.key, i)).every((k) => done.has(k))) continue;
          const obj = await env.ARCHIVE.get(o.key);
          if (!obj) continue;
          const missing = (await obj.text()).split("\n").filter(Boolean).map((l) => JSON.parse(l) as QueuePayload)
            .filter((p) => !done.has(partKey(o.key, p.part)));
          await enqueue(env.QUEUE, missing);
          result.replayed += missing.length;
        }
      } while (cursor);
    }
  }
  return result;
}
