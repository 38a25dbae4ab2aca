// A range split at the site's raw horizon: from the horizon on, the raw tables answer (SQL, as
// fast as before the journey store); before it, where raw events have aged out, the people's
// states do (load/state.ts). Loaders read both parts and join them with these helpers.
import type { PeopleSet } from "../../core/journeys";
import type { Range } from "../params";

export interface Parts {
  /** From the horizon on: the raw tables. */
  raw: Range | null;
  /** Before the horizon: the states. */
  aged: Range | null;
}

/**
 * Some people's identity keys go to D1 as one JSON parameter (load/sql.ts filterClause), and D1
 * takes at most 2 MB in one (developers.cloudflare.com/d1/platform/limits/): some 50,000
 * identities. Past half of that, the whole range is read from those people's states instead, which
 * hold every event and touchpoint of theirs (the same answers: tests/worker/journey-store.test.ts
 * moves the horizon anywhere) and which resolving a segment has just read for the same range.
 */
export const MAX_PEOPLE_PARAM_CHARS = 1_000_000;

export function peopleFitSql(people: PeopleSet | undefined): boolean {
  if (!people) return true;
  let chars = 2;
  for (const key of people.keys) if ((chars += key.length + 3) > MAX_PEOPLE_PARAM_CHARS) return false;
  return true;
}

/** The site's raw horizon: raw events before it have aged out of D1 (0: none has). */
export async function horizonOf(db: D1Database, siteId: string): Promise<number> {
  const row = await db.prepare("SELECT aged_before FROM journey_meta WHERE site_id = ?").bind(siteId).first<{ aged_before: number }>();
  return row?.aged_before ?? 0;
}

/** The range's two parts; with a person set too large for one SQL parameter, all of it from the states. */
export async function partsOf(db: D1Database, siteId: string, range: Range, people?: PeopleSet): Promise<Parts> {
  if (!peopleFitSql(people)) return { raw: null, aged: { ...range } };
  const h = await horizonOf(db, siteId);
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
