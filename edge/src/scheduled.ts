// Cron: replay archived batches that never reached D1, age raw events out behind the journey
// state, enforce each site's retention period, refresh churn scores, and act (rules, alerts).
import type { Bindings, Site } from "./env";
import { allSites } from "./sites/catalog";
import { siteDb } from "./sites/site-db";
import { replayMissing } from "./pipeline/replay";
import { refreshChurnScores } from "./jobs/churn-scores";
import { requeueOverdue, runSiteAct } from "./jobs/act";
import { ageRawEvents } from "./jobs/age-raw";
import { foldState, packState, stateSpan, unpackState } from "./core/person-state";

const DAY = 86_400_000;

export async function runScheduled(env: Bindings, now: number) {
  // A site moving between databases is left alone until it has arrived (jobs/move-site.ts).
  const sites = (await allSites(env.DB)).filter((s) => !s.movingTo);
  const replay = await replayMissing(env, sites.map((s) => s.id), now - 6 * 3600_000, now);
  // Cookieless salts older than two days go, so old visitor hashes can never be recomputed.
  await env.DB.prepare("DELETE FROM salts WHERE day < ?").bind(new Date(now - 2 * DAY).toISOString().slice(0, 10)).run();
  let expired = 0;
  let rawEventsDeleted = 0;
  for (const s of sites) {
    rawEventsDeleted += (await ageRawEvents(siteDb(env, s), s, now)).rawEventsDeleted;
    expired += await enforceRetention(env, s, now);
  }
  // Churn-risk scores are learned again from each site's history.
  let scored = 0;
  for (const s of sites) scored += await refreshChurnScores(siteDb(env, s), s, now);
  // Act: follow-up rules, risk crossings, conversions, alerts, digests; one site failing does not
  // stop the others (its work is tried again on the next tick).
  const act: Record<string, unknown> = {};
  for (const s of sites) {
    try {
      act[s.id] = await runSiteAct(env, s, now);
    } catch (e) {
      console.error("act", s.id, e instanceof Error ? e.message : e);
    }
  }
  const requeued = await requeueOverdue(env, now);
  return { replay, expired, rawEventsDeleted, scored, act, requeued };
}

/** retentionDays: everything older goes, raw events, archive and the journey state alike. */
async function enforceRetention(env: Bindings, s: Site, now: number): Promise<number> {
  const days = s.settings.retentionDays;
  if (!days) return 0;
  const cutoff = now - days * DAY;
  const db = siteDb(env, s);
  // Counted before: D1's meta.changes would count what the delete triggers write too (migration 0020).
  const [ev] = await db.batch([
    db.prepare("SELECT count(*) AS n FROM events WHERE site_id = ? AND ts < ?").bind(s.id, cutoff),
    db.prepare("DELETE FROM events WHERE site_id = ? AND ts < ?").bind(s.id, cutoff),
    db.prepare("DELETE FROM sessions WHERE site_id = ? AND end_ts < ?").bind(s.id, cutoff),
    db.prepare("DELETE FROM page_engagement WHERE site_id = ? AND ts < ?").bind(s.id, cutoff),
    db.prepare("DELETE FROM filtered_events WHERE site_id = ? AND received_at < ?").bind(s.id, cutoff),
    db.prepare("DELETE FROM journeys WHERE site_id = ? AND end_ts < ?").bind(s.id, cutoff),
    // Days before the cutoff's are gone whole.
    db.prepare("DELETE FROM activity_days WHERE site_id = ? AND day < ?").bind(s.id, Math.floor(cutoff / DAY)),
  ]);
  await trimStates(db, s.id, cutoff);
  // The cutoff's own day is counted again from what is left of it, states trimmed.
  await db.prepare("UPDATE activity_days SET seq = random() & 9007199254740991 WHERE site_id = ? AND day = ?").bind(s.id, Math.floor(cutoff / DAY)).run();
  // The raw archive ages out with the same period.
  let cursor: string | undefined;
  do {
    const list = await env.ARCHIVE.list({ prefix: `raw/${s.id}/`, cursor, limit: 1000 });
    cursor = list.truncated ? list.cursor : undefined;
    const old = list.objects.filter((o) => Number(o.key.split("/").pop()!.split("-")[0]) < cutoff).map((o) => o.key);
    if (old.length) await env.ARCHIVE.delete(old);
  } while (cursor);
  return (ev.results[0] as { n: number }).n;
}

/** Drops what lies before `cutoff` from every state that reaches back past it. */
async function trimStates(db: D1Database, siteId: string, cutoff: number) {
  const rows = await db.prepare("SELECT person_id, data FROM person_state WHERE site_id = ? AND first_ts < ?").bind(siteId, cutoff).raw<[string, string]>();
  const writes = rows.map(([personId, data]) => {
    const state = foldState([], unpackState(data), cutoff);
    const span = stateSpan(state);
    return span === null
      ? db.prepare("DELETE FROM person_state WHERE site_id = ? AND person_id = ?").bind(siteId, personId)
      : db.prepare("UPDATE person_state SET first_ts = ?, last_ts = ?, data = ? WHERE site_id = ? AND person_id = ?")
        .bind(span.first, span.last, packState(state), siteId, personId);
  });
  for (let i = 0; i < writes.length; i += 500) await db.batch(writes.slice(i, i + 500));
}

/** One site's cron work now (POST /api/admin/sites/:site/maintenance). */
export async function maintainSite(env: Bindings, site: Site, now: number) {
  const ageing = await ageRawEvents(siteDb(env, site), site, now);
  const expired = await enforceRetention(env, site, now);
  const scored = await refreshChurnScores(siteDb(env, site), site, now, true);
  const act = await runSiteAct(env, site, now);
  return { ...ageing, expired, scored, act };
}
