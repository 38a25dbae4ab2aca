// Moving a site's data to another database: copy, verify, switch, then delete the old rows. A step
// per queue message on the events queue, like the rebuild: each stays inside a queue invocation's
// limits whatever the site's size, and the steps run in the same serial consumer as the writes.
//   start   (the admin call) catalog: moving_to = target; source: the fence (sites/move-fence.ts).
//           From here the site's hand-offs wait on the queue (consumer.ts), its deliveries and
//           cron work wait too, and no write of it can commit in the source any more.
//   clean   the target loses any rows of the site (left by a cancelled or failed move).
//   copy    table by table, in pages, in rowid order (key order without a rowid); event ids are
//           renumbered by the target.
//   switch  counts compared table by table; cursors over event ids mapped to the new ids; then
//           catalog: database = target. The hand-offs that waited are stored there when they
//           come back (nothing was acknowledged without being stored or re-sent: none lost, and
//           message ids keep them from being stored twice).
//   delete  the site's rows leave the source, in slices; its fence stays, naming the target.
// Calling the move again with the same target restarts it; with the site's current database, cancels it.
import type { Bindings, Site } from "../env";
import { forgetSites, siteNow } from "../sites/catalog";
import { dropFence, markMoved, raiseFence } from "../sites/move-fence";
import { isSiteDatabaseName, siteDatabases, type SiteDatabaseName, type SiteDatabases } from "../sites/site-db";
import { copyPage, countRows, deleteRows, siteTables, type CopyCursor, type SiteTable } from "../sites/site-rows";

export type MovePhase = "clean" | "copy" | "switch" | "delete" | "done" | "failed" | "cancelled";

export interface MoveStep {
  kind: "move";
  siteId: string;
  /** Which move this step belongs to: a restarted or cancelled move ignores the older steps. */
  run: string;
  phase: "clean" | "copy" | "switch" | "delete";
  /** Index into the site's tables (name order), and the last source rowid (or key) copied in it. */
  table: number;
  after: CopyCursor;
  /** delete: the database the site's rows leave (the source after a switch, the target after a cancel). */
  from?: SiteDatabaseName;
}

/** What GET .../move shows (kept as JSON in the catalog's move_state). */
export interface MoveState {
  run: string;
  from: SiteDatabaseName;
  to: SiteDatabaseName;
  phase: MovePhase;
  /** Rows copied so far per table; at the switch, the verified counts. */
  rows: Record<string, number>;
  /** Old rows deleted from the source (or, after a cancel, from the target). */
  deleted: number;
  startedAt: number;
  switchedAt?: number;
  finishedAt?: number;
  error?: string;
}

export const isMoveStep = (body: unknown): body is MoveStep => (body as MoveStep | null)?.kind === "move";

/** Rows copied or deleted per step: about 45 D1 queries (20 pages of 1,000 and their inserts), far inside an invocation's limits; each step also waits for its queue batch (up to 1 s), so fewer, bigger steps move faster. */
const ROWS_PER_STEP = 20_000;
const DELETE_SLICE = 5000;

type Env = SiteDatabases & Pick<Bindings, "QUEUE">;

const send = async (env: Env, step: MoveStep): Promise<void> => {
  await (env.QUEUE as unknown as Queue<MoveStep>).send(step);
};
const bound = (env: SiteDatabases, name: string) => siteDatabases(env).find((d) => d.name === name)?.db;
export const moveStateOf = (site: Site): MoveState | null => (site.moveState ? JSON.parse(site.moveState) as MoveState : null);

/**
 * Writes the move's state (and catalog fields) only while the site is still in the move `state.run`
 * with `moving_to` as expected: a cancel, a restart and a step that was running meanwhile can
 * never undo one another. False when the catalog had moved on (the caller stops).
 */
async function saveState(env: Env, siteId: string, state: MoveState, expectMovingTo: string | null,
  catalog: { movingTo?: string | null; database?: string } = {}): Promise<boolean> {
  const sets = ["move_state = ?2"];
  const binds: unknown[] = [siteId, JSON.stringify(state), state.run, expectMovingTo];
  if (catalog.movingTo !== undefined) sets.push(`moving_to = ?${binds.push(catalog.movingTo)}`);
  if (catalog.database !== undefined) sets.push(`database = ?${binds.push(catalog.database)}`);
  const res = await env.DB.prepare(`UPDATE sites SET ${sets.join(", ")} WHERE id = ?1 AND move_state ->> '$.run' = ?3 AND moving_to IS ?4`)
    .bind(...binds).run();
  forgetSites();
  return res.meta.changes > 0;
}

export type StartResult = { ok: true; status: number; state: MoveState } | { ok: false; status: 400 | 409; code: string; message: string };

/** The admin call: starts, restarts or cancels a move of `site` to `to`. */
export async function startMove(env: Env, site: Site, to: string, now: number): Promise<StartResult> {
  const bad = (message: string): StartResult => ({ ok: false, status: 400, code: "invalid_field", message });
  if (!isSiteDatabaseName(to) || !bound(env, to)) {
    return bad(`database must name a bound site database: ${siteDatabases(env).map((d) => d.name).join(", ")}`);
  }
  const from = site.database as SiteDatabaseName;
  const current = moveStateOf(site);
  if (site.movingTo && to === from) {
    // Cancel: the source opens again; what was copied leaves the target.
    const state: MoveState = { ...current!, phase: "cancelled", finishedAt: now };
    if (!(await saveState(env, site.id, state, site.movingTo, { movingTo: null }))) {
      return { ok: false, status: 409, code: "site_moving", message: "the move finished or changed meanwhile: read it again" };
    }
    await dropFence(bound(env, from)!, site.id);
    await send(env, { kind: "move", siteId: site.id, run: state.run, phase: "delete", table: 0, after: 0, from: state.to });
    return { ok: true, status: 202, state };
  }
  if (site.movingTo && to !== site.movingTo) return { ok: false, status: 409, code: "site_moving", message: `the site is moving to ${site.movingTo}` };
  if (!site.movingTo && to === from) return bad(`the site's data is in ${from} already`);
  // Both databases must have the same tables (the same migrations), or the copy would fail halfway.
  const [a, b] = await Promise.all([siteTables(bound(env, from)!), siteTables(bound(env, to)!)]);
  const shape = (ts: SiteTable[]) => ts.map((t) => `${t.name}(${t.columns.join(",")})`).join(" ");
  if (shape(a) !== shape(b)) return { ok: false, status: 409, code: "not_migrated", message: `${to} does not have the tables of ${from}: apply the migrations to it` };
  const state: MoveState = { run: crypto.randomUUID(), from, to: to as SiteDatabaseName, phase: "clean", rows: {}, deleted: 0, startedAt: now };
  // A new move needs the site at rest; a restart, the same move still running.
  const begun = await env.DB.prepare("UPDATE sites SET move_state = ?2, moving_to = ?3 WHERE id = ?1 AND moving_to IS ?4 AND database = ?5")
    .bind(site.id, JSON.stringify(state), to, site.movingTo, from).run();
  forgetSites();
  if (!begun.meta.changes) return { ok: false, status: 409, code: "site_moving", message: "the site's placement changed meanwhile: read it again" };
  await raiseFence(bound(env, from)!, site.id, now);
  await send(env, { kind: "move", siteId: site.id, run: state.run, phase: "clean", table: 0, after: 0 });
  return { ok: true, status: 202, state };
}

/** One step of a move (run by the events queue's consumer). */
export async function moveStep(env: Env, step: MoveStep, now = Date.now()): Promise<void> {
  const site = await siteNow(env.DB, step.siteId);
  const state = site && moveStateOf(site);
  if (!site || !state || state.run !== step.run) return;
  const src = bound(env, state.from);
  const dst = bound(env, state.to);
  if (!src || !dst) throw new Error(`move of ${site.id}: ${state.from} or ${state.to} is not bound`);
  const next = (s: Partial<MoveStep>) => send(env, { ...step, ...s });

  if (step.phase === "delete") {
    // After a switch the old rows leave the source; after a cancel, the copied ones leave the
    // target. Never the database the site is in now, whatever a late step says.
    const from = step.from ?? state.from;
    if (site.movingTo || from === site.database) return;
    const db = bound(env, from)!;
    const tables = await siteTables(db);
    const { table, deleted } = await deleteSome(db, tables, site.id, step.table);
    state.deleted += deleted;
    if (table >= tables.length && state.phase !== "cancelled") Object.assign(state, { phase: "done", finishedAt: now });
    if (!(await saveState(env, site.id, state, null))) return;
    if (table < tables.length) return next({ table });
    return;
  }

  if (site.movingTo !== state.to) return; // cancelled or restarted meanwhile
  const tables = await siteTables(src);

  if (step.phase === "clean") {
    const { table } = await deleteSome(dst, tables, site.id, step.table);
    if (table < tables.length) return next({ table });
    Object.assign(state, { phase: "copy" });
    if (!(await saveState(env, site.id, state, state.to))) return;
    return next({ phase: "copy", table: 0, after: 0 });
  }

  if (step.phase === "copy") {
    let copiedNow = 0;
    let { table, after } = step;
    while (table < tables.length && copiedNow < ROWS_PER_STEP) {
      const page = await copyPage(src, dst, tables[table], site.id, after);
      if (page.copied === 0) {
        table++;
        after = 0;
        continue;
      }
      state.rows[tables[table].name] = (state.rows[tables[table].name] ?? 0) + page.copied;
      copiedNow += page.copied;
      after = page.after;
    }
    if (!(await saveState(env, site.id, state, state.to))) return;
    if (table < tables.length) return next({ table, after });
    return next({ phase: "switch", table: 0, after: 0 });
  }

  // switch: the copy is whole when every table counts the same on both sides.
  const counts = await Promise.all(tables.map(async (t) => [t.name, await countRows(src, t, site.id), await countRows(dst, t, site.id)] as const));
  const wrong = counts.filter(([, a, b]) => a !== b);
  if (wrong.length) {
    const error = `counts differ after the copy: ${wrong.map(([n, a, b]) => `${n} ${a} in ${state.from}, ${b} in ${state.to}`).join("; ")}`;
    Object.assign(state, { phase: "cancelled", error, finishedAt: now });
    if (!(await saveState(env, site.id, state, state.to, { movingTo: null }))) return;
    await dropFence(src, site.id);
    return next({ phase: "delete", table: 0, after: 0, from: state.to });
  }
  state.rows = Object.fromEntries(counts.map(([n, a]) => [n, a]));
  await remapEventCursors(src, dst, site.id);
  await dropFence(dst, site.id); // a fence left from when the site moved away from the target
  Object.assign(state, { phase: "delete", switchedAt: now });
  // The switch itself: one conditional write, so a cancel that came first wins and this one does nothing.
  if (!(await saveState(env, site.id, state, state.to, { movingTo: null, database: state.to }))) return;
  await markMoved(src, site.id, state.to);
  return next({ phase: "delete", table: 0, after: 0, from: state.from });
}

/** Deletes up to ROWS_PER_STEP of the site's rows, tables in order from `table`; where it stopped. */
async function deleteSome(db: D1Database, tables: SiteTable[], siteId: string, table: number) {
  let deleted = 0;
  while (table < tables.length && deleted < ROWS_PER_STEP) {
    const want = Math.min(DELETE_SLICE, ROWS_PER_STEP - deleted);
    const gone = await deleteRows(db, tables[table], siteId, want);
    deleted += gone;
    if (gone < want) table++;
  }
  return { table, deleted };
}

/**
 * act_cursors hold event row ids (the conversion sweep's "last event looked at"), which the target
 * numbered anew: each becomes the new id of the same last event, found by its message id.
 */
async function remapEventCursors(src: D1Database, dst: D1Database, siteId: string) {
  const { results } = await dst.prepare("SELECT name, position FROM act_cursors WHERE site_id = ?").bind(siteId).all<{ name: string; position: number }>();
  for (const c of results) {
    const last = await src.prepare("SELECT message_id FROM events WHERE site_id = ? AND id <= ? ORDER BY id DESC LIMIT 1")
      .bind(siteId, c.position).first<{ message_id: string }>();
    const id = last ? (await dst.prepare("SELECT id FROM events WHERE site_id = ? AND message_id = ?").bind(siteId, last.message_id).first<{ id: number }>())?.id : 0;
    await dst.prepare("UPDATE act_cursors SET position = ? WHERE site_id = ? AND name = ?").bind(id ?? 0, siteId, c.name).run();
  }
}
