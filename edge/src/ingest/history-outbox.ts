// The buffer's promise to the history stream: every flushed archive object whose rows have not yet
// reached the Pipelines stream is listed here, in the object's own storage, in the same step that
// drops the flushed rows. A send that fails is retried later with backoff, re-reading the rows
// from the R2 archive (the source of truth), so a row is never lost; and since the archive and
// the queue are written first, a slow or failing stream never holds them up.
// Delivery is at least once: a send that succeeded but was not recorded goes again, so history
// queries count distinct message_id (README).
import type { QueuePayload } from "../pipeline/payload";
import { historyRow, sendInChunks, type HistoryRow, type HistorySink } from "../pipeline/history";
import { withTimeout } from "./timeout";

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 5 * 60_000;
const SEND_TIMEOUT_MS = 10_000;
const RETRIES_PER_ALARM = 10;

export const retryDelay = (attempts: number) => Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);

/** The history rows of an archive object's NDJSON text (one queue payload per line). */
export function rowsOfArchive(text: string): HistoryRow[] {
  return text.split("\n").filter(Boolean).flatMap((line) => {
    const p = JSON.parse(line) as QueuePayload;
    return p.events.map((e) => historyRow(p.siteId, e));
  });
}

export class HistoryOutbox {
  constructor(private sql: SqlStorage, private archive: R2Bucket) {
    sql.exec("CREATE TABLE IF NOT EXISTS history_outbox (key TEXT PRIMARY KEY, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL)");
  }

  /** Call inside the transaction that drops the flushed rows. */
  add(key: string, now: number): void {
    this.sql.exec("INSERT OR IGNORE INTO history_outbox (key, next_at) VALUES (?, ?)", key, now);
  }

  private async attempt(sink: HistorySink, key: string, rows: HistoryRow[] | null, now: number): Promise<boolean> {
    try {
      let send = rows;
      if (!send) {
        const obj = await this.archive.get(key);
        // Erased since (a person's GDPR delete rewrites objects; a deleted one holds nothing to send).
        send = obj ? rowsOfArchive(await obj.text()) : [];
      }
      if (send.length) await withTimeout(sendInChunks(sink, send), SEND_TIMEOUT_MS, `history stream did not answer within ${SEND_TIMEOUT_MS} ms`);
      this.sql.exec("DELETE FROM history_outbox WHERE key = ?", key);
      return true;
    } catch (e) {
      const attempts = (this.sql.exec<{ attempts: number }>("SELECT attempts FROM history_outbox WHERE key = ?", key).toArray()[0]?.attempts ?? 0) + 1;
      this.sql.exec("UPDATE history_outbox SET attempts = ?, next_at = ? WHERE key = ?", attempts, now + retryDelay(attempts), key);
      console.warn(`history stream: ${key} not sent (attempt ${attempts}): ${(e as Error).message}`);
      return false;
    }
  }

  /** First try for a fresh flush, with its rows at hand. */
  sendFresh(sink: HistorySink, key: string, rows: HistoryRow[], now: number): Promise<boolean> {
    return this.attempt(sink, key, rows, now);
  }

  /** Retries what is due; returns when the next retry is due (null: nothing left). */
  async retryDue(sink: HistorySink, now: number): Promise<number | null> {
    const due = this.sql.exec<{ key: string }>("SELECT key FROM history_outbox WHERE next_at <= ? ORDER BY next_at LIMIT ?", now, RETRIES_PER_ALARM).toArray();
    for (const { key } of due) await this.attempt(sink, key, null, now);
    return this.nextDue();
  }

  nextDue(): number | null {
    return this.sql.exec<{ t: number | null }>("SELECT min(next_at) AS t FROM history_outbox").one().t ?? null;
  }

  size(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM history_outbox").one().n;
  }
}
