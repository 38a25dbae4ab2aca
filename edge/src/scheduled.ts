// Cron: replay archived batches that never reached D1, and enforce each site's retention period.
import type { Bindings } from "./env";
import { allSites } from "./auth/sites";
import { replayMissing } from "./pipeline/replay";
import { refreshChurnScores } from "./jobs/churn-scores";
import { requeueOverdue, runSiteAct } from "./jobs/act";

const DAY = 86_400_000;

export async function runScheduled(env: Bindings, now: number) {
  const sites = await allSites(env.DB);
  const replay = await replayMissing(env, sites.map((s) => s.id), now - 6 * 3600_000, now);
  // Cookieless salts older than two days go, so old visitor hashes can never be recomputed.
  await env.DB.prepare("DELETE FROM salts WHERE day < ?").bind(new Date(now - 2 * DAY).toISOString().slice(0, 10)).run();
  let expired = 0;
  for (const s of sites) {
    const days = s.settings.retentionDays;
    if (!days) continue;
    const cutoff = now - days * DAY;
    const [ev] = await env.DB.batch([
      env.DB.prepare("DELETE FROM events WHERE site_id = ? AND ts < ?").bind(s.id, cutoff),
      env.DB.prepare("DELETE FROM sessions WHERE site_id = ? AND end_ts < ?").bind(s.id, cutoff),
      env.DB.prepare("DELETE FROM filtered_events WHERE site_id = ? AND received_at < ?").bind(s.id, cutoff),
    ]);
    expired += ev.meta.changes;
    // The raw archive ages out with the same period.
    let cursor: string | undefined;
    do {
      const list = await env.ARCHIVE.list({ prefix: `raw/${s.id}/`, cursor, limit: 1000 });
      cursor = list.truncated ? list.cursor : undefined;
      const old = list.objects.filter((o) => Number(o.key.split("/").pop()!.split("-")[0]) < cutoff).map((o) => o.key);
      if (old.length) await env.ARCHIVE.delete(old);
    } while (cursor);
  }
  // Churn-risk scores are learned again from each site's history.
  let scored = 0;
  for (const s of sites) scored += await refreshChurnScores(env.DB, s, now);
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
  return { replay, expired, scored, act, requeued };
}
