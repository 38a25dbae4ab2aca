// Queue consumer: groups a batch of hand-offs by site and stores each group in one D1 batch.
// A failure retries the whole queue batch; storage is idempotent (messageId), so a retry never
// doubles anything. What keeps failing goes to the dead-letter queue.
import type { Bindings } from "../env";
import { partKey, type QueuePayload } from "./payload";
import { storeEvents } from "./store";
import { sitesNow } from "../sites/catalog";
import { isFenced } from "../sites/move-fence";
import { enqueue } from "./enqueue";
import { refreshPeople } from "./journey-state";
import { siteDb, type SiteDatabases } from "../sites/site-db";

export const DEFAULT_GAP_MIN = 30;

export interface StoredTotals {
  stored: number;
  duplicates: number;
  /** People whose journey state was recomputed. */
  people: number;
  /** Hand-offs of a site being moved between databases: not stored now, sent again after DEFER_SECONDS. */
  deferred: QueuePayload[];
}

/** How long a moving site's hand-offs wait before they are tried again (a move takes seconds to minutes). */
export const DEFER_SECONDS = 5;

export async function storePayloads(env: SiteDatabases, payloads: QueuePayload[], now = Date.now()): Promise<StoredTotals> {
  const bySite = new Map<string, QueuePayload[]>();
  for (const p of payloads) bySite.set(p.siteId, [...(bySite.get(p.siteId) ?? []), p]);
  const total: StoredTotals = { stored: 0, duplicates: 0, people: 0, deferred: [] };
  // Read now, once per batch: where each site's data lives, and whether it is moving.
  const sites = await sitesNow(env.DB, [...bySite.keys()]);
  for (const [siteId, group] of bySite) {
    const site = sites.get(siteId);
    if (site?.movingTo) {
      total.deferred.push(...group);
      continue;
    }
    // Each site's group goes to its own database (a payload of a site since deleted: the catalog's).
    const db = site ? siteDb(env, site) : env.DB;
    const gapMs = (site?.settings.sessionGapMinutes ?? DEFAULT_GAP_MIN) * 60_000;
    try {
      const r = await storeEvents(db, siteId, group.flatMap((p) => p.events), group.flatMap((p) => p.filtered),
        group.map((p) => partKey(p.archiveKey, p.part)), { gapMs, now });
      total.stored += r.stored;
      total.duplicates += r.duplicates;
      // After the events are committed: a failure here retries the hand-off, whose events are then
      // duplicates, but whose people are recomputed all the same (touchedKeys names them all).
      if (site) total.people += await refreshPeople(db, siteId, site.settings, r.touchedKeys, r.merges, r.messageIds);
    } catch (err) {
      // A move began after the catalog was read: the group waits for it like the others. Sent
      // again whole, it stores what the fence kept out and recomputes its people in the new database.
      if (!isFenced(err)) throw err;
      total.deferred.push(...group);
    }
  }
  return total;
}

export async function consumeEvents(messages: readonly Message<QueuePayload>[], env: Bindings): Promise<void> {
  try {
    const { deferred } = await storePayloads(env, messages.map((m) => m.body));
    // Sent again as new messages (not retried): a long move must not use up their retries.
    await enqueue(env.QUEUE, deferred, undefined, DEFER_SECONDS);
    for (const m of messages) m.ack();
  } catch {
    // One poisoned hand-off must not hold its neighbours back: store them one by one and retry
    // only what fails (after max_retries it goes to the dead-letter queue).
    for (const m of messages) {
      try {
        const { deferred } = await storePayloads(env, [m.body]);
        await enqueue(env.QUEUE, deferred, undefined, DEFER_SECONDS);
        m.ack();
      } catch (err) {
        console.error("store failed", m.id, err);
        m.retry();
      }
    }
  }
}

/** Dead letters are kept in D1 where the admin API can list and replay them. */
export async function consumeDeadLetters(batch: MessageBatch<QueuePayload>, env: Bindings): Promise<void> {
  const now = Date.now();
  await env.DB.batch(batch.messages.map((m) =>
    env.DB.prepare("INSERT INTO dead_letters (site_id, payload, error, received_at) VALUES (?, ?, ?, ?)")
      .bind(m.body.siteId ?? null, JSON.stringify(m.body), `failed after ${m.attempts} attempts`, now)));
  batch.ackAll();
}
