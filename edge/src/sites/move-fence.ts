// The fence that keeps a moving site's source database still. A pipeline write of a site (store
// batch, journey state) carries fenceCheck as its first statement: when the site's row in
// move_fences exists in that database, the check inserts a NULL into a NOT NULL column and D1
// rolls the whole batch back. So once a move has begun nothing more is committed there, even by an
// isolate whose cached catalog still names the old database, and the copy sees a closed set of rows.

/** A statement that fails (and with it the batch it leads) while `siteId` is fenced in `db`. */
export const fenceCheck = (db: D1Database, siteId: string): D1PreparedStatement =>
  db.prepare("INSERT INTO move_fences (site_id, since) SELECT site_id, NULL FROM move_fences WHERE site_id = ?").bind(siteId);

/** Thrown by a writer that found the site moving before it wrote anything. */
export class SiteMoving extends Error {
  constructor(siteId: string) {
    super(`site ${siteId} is moving (move_fences)`);
  }
}

/** Whether an error is a write refused because the site is moving or has moved away: try it again later. */
export const isFenced = (err: unknown): boolean =>
  err instanceof SiteMoving || /move_fences/.test(err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : String(err));

/** Fences the site in its source database (the copy starts after this). */
export const raiseFence = (db: D1Database, siteId: string, now: number) =>
  db.prepare("INSERT INTO move_fences (site_id, since, moved_to) VALUES (?, ?, NULL) ON CONFLICT (site_id) DO UPDATE SET since = excluded.since, moved_to = NULL")
    .bind(siteId, now).run();

/** After the switch the fence stays, naming where the site went: a late writer is refused, never lost. */
export const markMoved = (db: D1Database, siteId: string, to: string) =>
  db.prepare("UPDATE move_fences SET moved_to = ? WHERE site_id = ?").bind(to, siteId).run();

/** Opens a database to the site again (a cancelled move's source, or the target of a move back). */
export const dropFence = (db: D1Database, siteId: string) => db.prepare("DELETE FROM move_fences WHERE site_id = ?").bind(siteId).run();
