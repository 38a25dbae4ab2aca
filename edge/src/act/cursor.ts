// Conversions are sent from the sweep over newly stored events: a cursor per site holds the last
// event row id looked at. It starts when the first destination takes conversions, at the newest
// stored event, so a new destination gets the conversions that happen next, not the history.

export const CONVERSION_CURSOR = "conversion";

export async function startConversionCursor(db: D1Database, siteId: string) {
  await db.prepare(
    `INSERT OR IGNORE INTO act_cursors (site_id, name, position)
     SELECT ?1, ?2, coalesce((SELECT max(id) FROM events WHERE site_id = ?1), 0)`).bind(siteId, CONVERSION_CURSOR).run();
}

export async function readCursor(db: D1Database, siteId: string, name: string): Promise<number | null> {
  const row = await db.prepare("SELECT position FROM act_cursors WHERE site_id = ? AND name = ?").bind(siteId, name).first<{ position: number }>();
  return row?.position ?? null;
}

export const moveCursor = (db: D1Database, siteId: string, name: string, position: number) =>
  db.prepare("UPDATE act_cursors SET position = ? WHERE site_id = ? AND name = ? AND position < ?").bind(position, siteId, name, position);
