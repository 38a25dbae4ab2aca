// The segments table: a site's saved people filters. Definitions only (the query side still never
// writes events); a segment is never edited, so its id names one filter for good.
import type { Segment, SegmentFilter } from "../api";

export interface StoredSegment {
  id: string;
  name: string;
  filter: SegmentFilter;
  createdAt: number;
}

type Row = [id: string, name: string, filter: string, createdAt: number];
const toSegment = ([id, name, filter, createdAt]: Row): StoredSegment => ({ id, name, filter: JSON.parse(filter) as SegmentFilter, createdAt });

export const publicSegment = (s: StoredSegment): Segment => ({ id: s.id, name: s.name, filter: s.filter, createdAt: new Date(s.createdAt).toISOString() });

export async function segmentById(db: D1Database, siteId: string, id: string): Promise<StoredSegment | null> {
  const rows = await db.prepare("SELECT id, name, filter, created_at FROM segments WHERE site_id = ? AND id = ?").bind(siteId, id).raw<Row>();
  return rows.length ? toSegment(rows[0]) : null;
}

export async function siteSegments(db: D1Database, siteId: string): Promise<StoredSegment[]> {
  const rows = await db.prepare("SELECT id, name, filter, created_at FROM segments WHERE site_id = ? ORDER BY created_at, id").bind(siteId).raw<Row>();
  return rows.map(toSegment);
}

export async function insertSegment(db: D1Database, siteId: string, s: StoredSegment): Promise<void> {
  await db.prepare("INSERT INTO segments (id, site_id, name, filter, created_at) VALUES (?, ?, ?, ?, ?)")
    .bind(s.id, siteId, s.name, JSON.stringify(s.filter), s.createdAt).run();
}

export async function deleteSegment(db: D1Database, siteId: string, id: string): Promise<boolean> {
  const r = await db.prepare("DELETE FROM segments WHERE site_id = ? AND id = ?").bind(siteId, id).run();
  return r.meta.changes > 0;
}
