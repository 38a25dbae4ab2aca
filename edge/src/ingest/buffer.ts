// The ingest buffer: one SQLite-backed Durable Object per site. A request's accepted batch is
// written to the object's own storage (durable before the sender gets its 200), and an alarm a
// moment later hands everything collected so far to R2 and the queue in one go. One storage call
// per request instead of two (R2 put + queue send), and one archive object per flush instead of
// one per request. Pending rows survive a crash: the alarm is persisted and fires after restart.
// A site's traffic is spread over several such objects (shards.ts) and the requests of one
// isolate bound for the same object are coalesced into one call (group-commit.ts, to-buffer.ts).
import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../env";
import type { EnrichedEvent, FilteredEvent } from "../pipeline/payload";
import { enqueue } from "../pipeline/enqueue";
import { archiveFlush } from "./archive";
import { historyRow, type HistorySink } from "../pipeline/history";
import { HistoryOutbox } from "./history-outbox";

const FLUSH_DELAY_MS = 200;
const MAX_ROWS_PER_FLUSH = 500;
// A Durable Object's SQLite refuses a value over 2 MB (SQLITE_TOOBIG), and a 500 KB request of
// small messages enriches to several MB. So one request's messages take as many rows as they
// need, each at most this many UTF-16 units (at most 3 UTF-8 bytes each: 1.5 MB).
const MAX_ROW_CHARS = 512 * 1024;

/** What a request (or a group of them) hands the buffer: one pending row each. */
export interface PendingRow {
  receivedAt: number;
  body: string;
}

/** One request's messages as pending-row bodies `{"events":[...],"filtered":[...]}`, each under the cap. */
export function pendingBodies(events: EnrichedEvent[], filtered: FilteredEvent[], maxChars = MAX_ROW_CHARS): string[] {
  const bodies: string[] = [];
  let cur = { events: [] as string[], filtered: [] as string[] };
  let size = 0;
  const close = () => {
    bodies.push(`{"events":[${cur.events.join(",")}],"filtered":[${cur.filtered.join(",")}]}`);
    cur = { events: [], filtered: [] };
    size = 0;
  };
  const add = (kind: "events" | "filtered", json: string) => {
    if (size > 0 && size + json.length + 1 > maxChars) close();
    cur[kind].push(json);
    size += json.length + 1;
  };
  for (const e of events) add("events", JSON.stringify(e));
  for (const f of filtered) add("filtered", JSON.stringify(f));
  if (size > 0 || bodies.length === 0) close();
  return bodies;
}

export class IngestBuffer extends DurableObject<Bindings> {
  private ready = false;
  // Whether a flush is known to be scheduled soon, so a request does not ask storage each time.
  private alarmSet = false;
  private outbox!: HistoryOutbox;
  /** Replaces the `EVENTS_STREAM` binding when set: tests capture the history rows with it. */
  historySinkOverride: HistorySink | null | undefined;

  private init() {
    if (this.ready) return;
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS pending (id INTEGER PRIMARY KEY AUTOINCREMENT, site_id TEXT NOT NULL, received_at INTEGER NOT NULL, body TEXT NOT NULL)");
    this.outbox = new HistoryOutbox(this.ctx.storage.sql, this.env.ARCHIVE);
    this.ready = true;
  }

  private historySink(): HistorySink | null {
    return this.historySinkOverride !== undefined ? this.historySinkOverride : (this.env.EVENTS_STREAM ?? null);
  }

  /**
   * Stores the accepted messages of one or more requests, already serialized by pendingBodies (the
   * callers do that work, so this single-threaded object only writes); resolves once they are
   * durable. The rows of one call are written together: all of them or none.
   */
  async append(siteId: string, rows: PendingRow[]): Promise<void> {
    this.init();
    this.ctx.storage.transactionSync(() => {
      for (const r of rows) {
        this.ctx.storage.sql.exec("INSERT INTO pending (site_id, received_at, body) VALUES (?, ?, ?)", siteId, r.receivedAt, r.body);
      }
    });
    if (this.alarmSet) return;
    // An alarm may be set for a later history retry: the new rows must not wait for it.
    const at = await this.ctx.storage.getAlarm();
    if (at === null || at > Date.now() + FLUSH_DELAY_MS) await this.ctx.storage.setAlarm(Date.now() + FLUSH_DELAY_MS);
    this.alarmSet = true;
  }

  async alarm(): Promise<void> {
    this.init();
    // Cleared before reading: a request appending while this flush runs schedules the next one.
    this.alarmSet = false;
    const sink = this.historySink();
    const rows = this.ctx.storage.sql
      .exec<{ id: number; site_id: string; received_at: number; body: string }>("SELECT id, site_id, received_at, body FROM pending ORDER BY id LIMIT ?", MAX_ROWS_PER_FLUSH)
      .toArray();
    if (rows.length > 0) {
      const siteId = rows[0].site_id;
      const parts = rows.map((r) => JSON.parse(r.body) as { events: EnrichedEvent[]; filtered: FilteredEvent[] });
      const events = parts.flatMap((p) => p.events);
      const key = await handOffMany(this.env, siteId, rows[rows.length - 1].received_at, events, parts.flatMap((p) => p.filtered));
      // Only now are the rows safe to drop; if anything above threw, the alarm is retried and the
      // same rows go again (storage dedupes by messageId). The history stream's share is kept in
      // the same step, so a crash cannot drop it either.
      const now = Date.now();
      this.ctx.storage.transactionSync(() => {
        this.ctx.storage.sql.exec("DELETE FROM pending WHERE id <= ?", rows[rows.length - 1].id);
        if (sink && events.length) this.outbox.add(key, now);
      });
      if (sink && events.length) await this.outbox.sendFresh(sink, key, events.map((e) => historyRow(siteId, e)), now);
    }
    const left = this.ctx.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM pending").one().n;
    if (left > 0) return void (await this.ctx.storage.setAlarm(Date.now()));
    // Without a sink (the binding was removed) entries wait; they go once one is bound again.
    const retryAt = sink ? await this.outbox.retryDue(sink, Date.now()) : null;
    if (retryAt !== null) await this.ctx.storage.setAlarm(Math.max(retryAt, Date.now() + FLUSH_DELAY_MS));
  }
}

/** One archive object for the whole flush, then the queue; returns the object's key. */
export async function handOffMany(env: Pick<Bindings, "ARCHIVE" | "QUEUE">, siteId: string, receivedAt: number,
  events: EnrichedEvent[], filtered: FilteredEvent[]): Promise<string> {
  const { key, payloads, lines } = await archiveFlush(env.ARCHIVE, siteId, receivedAt, events, filtered);
  await enqueue(env.QUEUE, payloads, lines);
  return key;
}
