// Queue consumer: groups a batch of hand-offs by site and stores each group in one D1 batch.
// A failure retries the whole queue batch; storage is idempotent (messageId), so a retry never
// doubles anything. What keeps failing goes to the dead-letter queue.
import type { Bindings } from "../env";
import { partKey, type QueuePayload } from "./payload";
import { storeEvents } from "./store";
import { siteById } from "../sites/catalog";
import { refreshPeople } from "./journey-state";
import { siteDb, type SiteDatabases } from "../sites/site-db";

const DEFAULT_GAP_MIN = 30;

export interface StoredTotals {
  stored: number;
  duplicates: number;
  /** People whose journey state was recomputed. */
  people: number;
}

export async function storePayloads(env: SiteDatabases, payloads: QueuePayload[], now = Date.now()): Promise<StoredTotals> {
  const bySite = new Map<string, QueuePayload[]>();
  for (const p of payloads) bySite.set(p.siteId, [...(bySite.get(p.siteId) ?? []), p]);
  const total: StoredTotals = { stored: 0, duplicates: 0, people: 0 };
  for (const [siteId, group] of bySite) {
    const site = await siteById(env.DB, siteId, now);
    // Each site's group goes to its own database (a payload of a site since deleted: the catalog's).
    const db = site ? siteDb(env, site) : env.DB;
    const gapMs = (site?.settings.sessionGapMinutes ?? DEFAULT_GAP_MIN) * 60_000;
    const r = await storeEvents(db, siteId, group.flatMap((p) => p.events), group.flatMap((p) => p.filtered),
      group.map((p) => partKey(p.archiveKey, p.part)), { gapMs, now });
    total.stored += r.stored;
    total.duplicates += r.duplicates;
    // After the events are committed: a failure here retries the hand-off, whose events are then
    // duplicates, but whose people are recomputed all the same (touchedKeys names them all).
    if (site) total.people += await refreshPeople(db, siteId, site.settings, r.touchedKeys, r.merges, r.messageIds);
  }
  return total;
}

export async function consumeEvents(messages: readonly Message<QueuePayload>[], env: Bindings): Promise<void> {
  try {
    await storePayloads(env, messages.map((m) => m.body));
    for (const m of messages) m.ack();
  } catch {
    // One poisoned hand-off must not hold its neighbours back: store them one by one and retry
    // only what fails (after max_retries it goes to the dead-letter queue).
    for (const m of messages) {
      try {
        await storePayloads(env, [m.body]);
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
