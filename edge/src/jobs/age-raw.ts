// Raw events leave D1 after the site's rawRetentionDays (the R2 archive keeps every one). Journey
// state already holds what answers need, so moving the horizon changes no journey answer: the
// pipeline folds what lies before it from the old state from then on (pipeline/journey-state.ts).
import type { Site } from "../env";

export const DAY_MS = 86_400_000;
export const DEFAULT_RAW_RETENTION_DAYS = 90;
// D1 caps what one statement may take; deleting in slices keeps each one short.
const SLICE = 5_000;

export async function deleteInSlices(db: D1Database, table: "events" | "sessions" | "page_engagement" | "rebuild_events", where: string, params: unknown[]): Promise<number> {
  const key = table === "events" ? "id" : "rowid";
  let total = 0;
  for (;;) {
    // Counted by RETURNING: D1's meta.changes counts what triggers write too (migration 0020).
    const gone = (await db.prepare(`DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE ${where} LIMIT ${SLICE}) RETURNING 1`)
      .bind(...params).raw()).length;
    total += gone;
    if (gone < SLICE) return total;
  }
}

/** Which raw events leave D1 with age: all but feedback responses (kept for good, see below). */
const AGED_EVENT = "(event IS NULL OR event <> 'feedback')";

export interface AgeingResult {
  rawEventsDeleted: number;
  sessionsDeleted: number;
  /** Raw events before this time are gone from D1 (epoch ms), or null when the site has none to age. */
  agedBefore: number | null;
}

/**
 * Moves the site's raw horizon to `now - rawRetentionDays` and deletes what lies before it. Only
 * once the site's journey state exists (journey_meta): a site whose state was never built would
 * lose history, so it waits for a rebuild.
 */
export async function ageRawEvents(db: D1Database, site: Site, now: number): Promise<AgeingResult> {
  const days = site.settings.rawRetentionDays ?? DEFAULT_RAW_RETENTION_DAYS;
  const meta = await db.prepare("SELECT aged_before FROM journey_meta WHERE site_id = ?").bind(site.id).first<{ aged_before: number }>();
  if (!meta || days <= 0) return { rawEventsDeleted: 0, sessionsDeleted: 0, agedBefore: meta?.aged_before || null };
  const cutoff = Math.max(meta.aged_before, now - days * DAY_MS);
  // The horizon moves first: a recomputation that starts after this reads only rows past it and
  // takes the rest from the state, so it never misses what the deletes below take away.
  await db.prepare("UPDATE journey_meta SET aged_before = ? WHERE site_id = ?").bind(cutoff, site.id).run();
  // Feedback responses stay: /feedback and the churn model read their kind, score and comment,
  // which the state does not keep, and they are few (a survey answer, not a page view). Their
  // sessions stay with them (the channel a response came in), as a rebuild keeps sessions too.
  const rawEventsDeleted = await deleteInSlices(db, "events", `site_id = ? AND ts < ? AND ${AGED_EVENT}`, [site.id, cutoff]);
  const sessionsDeleted = await deleteInSlices(db, "sessions",
    "site_id = ? AND end_ts < ? AND NOT EXISTS (SELECT 1 FROM events e WHERE e.session_id = sessions.id)", [site.id, cutoff]);
  // A page's engagement is raw detail like its page view, and leaves with it.
  await deleteInSlices(db, "page_engagement", "site_id = ? AND ts < ?", [site.id, cutoff]);
  return { rawEventsDeleted, sessionsDeleted, agedBefore: cutoff };
}
