// A range split at the site's raw horizon: from the horizon on, the raw tables answer (SQL, as
// fast as before the journey store); before it, where raw events have aged out, the people's
// states do (load/state.ts). Loaders read both parts and join them with these helpers.
import type { Range } from "../params";

export interface Parts {
  /** From the horizon on: the raw tables. */
  raw: Range | null;
  /** Before the horizon: the states. */
  aged: Range | null;
}

export async function partsOf(db: D1Database, siteId: string, range: Range): Promise<Parts> {
  const row = await db.prepare("SELECT aged_before FROM journey_meta WHERE site_id = ?").bind(siteId).first<{ aged_before: number }>();
  const h = row?.aged_before ?? 0;
  return {
    raw: range.to >= h ? { from: Math.max(range.from, h), to: range.to } : null,
    aged: range.from < h ? { from: range.from, to: Math.min(range.to, h - 1) } : null,
  };
}

/** Per-person lists of the two parts, the aged (earlier) one first. */
export function joinByPerson<T>(aged: Map<string, T[]>, raw: Map<string, T[]>): Map<string, T[]> {
  if (aged.size === 0) return raw;
  const out = new Map(aged);
  for (const [p, list] of raw) out.set(p, [...(out.get(p) ?? []), ...list]);
  return out;
}
