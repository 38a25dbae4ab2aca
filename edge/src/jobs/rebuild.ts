// Rebuild: recompute every person's journey state and journeys of a site, a slice of people per
// queue message, so it runs in the same serial consumer as the writes (no race with them) and
// answers stay available meanwhile (reads fall back to the states while the journeys table is
// marked stale).
import type { Bindings, Site } from "../env";
import { siteById } from "../sites/catalog";
import { siteDb, type SiteDatabases } from "../sites/site-db";
import { journeysKey, refreshPeople } from "../pipeline/journey-state";

export interface RebuildStep {
  kind: "rebuild";
  siteId: string;
  /** The last person id of the previous slice (people go in id order). */
  after: string;
}

export const isRebuildStep = (body: unknown): body is RebuildStep => (body as RebuildStep | null)?.kind === "rebuild";

const PEOPLE_PER_STEP = 500;

/** Marks the journeys table stale and queues the first slice. */
export async function startRebuild(env: SiteDatabases & Pick<Bindings, "QUEUE">, site: Site): Promise<{ id: string; total: number }> {
  const siteId = site.id;
  const db = siteDb(env, site);
  const total = (await db.prepare("SELECT count(DISTINCT person_id) AS n FROM identities WHERE site_id = ?").bind(siteId).first<{ n: number }>())!.n;
  await db.prepare(
    `INSERT INTO journey_meta (site_id, aged_before, journeys_key, rebuild_state, rebuild_done, rebuild_total) VALUES (?1, 0, NULL, 'running', 0, ?2)
     ON CONFLICT (site_id) DO UPDATE SET journeys_key = NULL, rebuild_state = 'running', rebuild_done = 0, rebuild_total = ?2`)
    .bind(siteId, total).run();
  await (env.QUEUE as unknown as Queue<RebuildStep>).send({ kind: "rebuild", siteId, after: "" });
  return { id: siteId, total };
}

/** One slice: recompute the next people, then queue the rest, or name the settings the journeys now follow. */
export async function rebuildStep(env: SiteDatabases & Pick<Bindings, "QUEUE">, step: RebuildStep, now = Date.now()): Promise<void> {
  const site = await siteById(env.DB, step.siteId, now);
  if (!site) return;
  const db = siteDb(env, site);
  const rows = await db.prepare(
    `SELECT person_id, json_group_array(ident_key) FROM identities WHERE site_id = ? AND person_id > ?
     GROUP BY person_id ORDER BY person_id LIMIT ${PEOPLE_PER_STEP}`).bind(site.id, step.after).raw<[string, string]>();
  const keys = rows.flatMap(([, k]) => JSON.parse(k) as string[]);
  const done = await refreshPeople(db, site.id, site.settings, keys, []);
  if (rows.length === PEOPLE_PER_STEP) {
    await db.prepare("UPDATE journey_meta SET rebuild_done = rebuild_done + ? WHERE site_id = ?").bind(done, site.id).run();
    await (env.QUEUE as unknown as Queue<RebuildStep>).send({ kind: "rebuild", siteId: site.id, after: rows.at(-1)![0] });
    return;
  }
  await db.prepare("UPDATE journey_meta SET rebuild_done = rebuild_done + ?, rebuild_state = 'done', journeys_key = ? WHERE site_id = ?")
    .bind(done, journeysKey(site.settings), site.id).run();
}

export async function rebuildProgress(db: D1Database, siteId: string) {
  const row = await db.prepare("SELECT rebuild_state, rebuild_done, rebuild_total FROM journey_meta WHERE site_id = ?").bind(siteId)
    .first<{ rebuild_state: string | null; rebuild_done: number | null; rebuild_total: number | null }>();
  return { state: row?.rebuild_state ?? "none", done: row?.rebuild_done ?? 0, total: row?.rebuild_total ?? 0 };
}
