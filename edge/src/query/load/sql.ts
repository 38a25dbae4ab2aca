// SQL pieces every loader shares: the read API's row filters (events and sessions name the
// filtered columns alike, so one clause serves both), row grouping, and the person of an identity.
import type { TouchFilter } from "../journeys";

export interface Clause {
  sql: string;
  params: unknown[];
}

/** With firstIndex the placeholders are numbered (?5, ?6...), so one set of values serves several clauses. */
export function filterClause(alias: string, filter: TouchFilter, firstIndex?: number): Clause {
  const entries = Object.entries(filter).filter(([, v]) => v !== undefined);
  const placeholder = (i: number) => (firstIndex === undefined ? "?" : `?${firstIndex + i}`);
  return {
    sql: entries.map(([column], i) => ` AND ${alias}.${column} = ${placeholder(i)}`).join(""),
    params: entries.map(([, v]) => v),
  };
}

/** Rows of a statement whose `?` placeholders are bound in order. */
export async function all<T>(db: D1Database, sql: string, params: unknown[]): Promise<T[]> {
  return (await db.prepare(sql).bind(...params).all<T>()).results;
}

/** Groups rows into one list per key, keeping their order. */
export function groupRows<R, T>(rows: R[], key: (r: R) => string, map: (r: R) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(map(r));
    else out.set(k, [map(r)]);
  }
  return out;
}

export const byPerson = <R extends { personId: string }, T>(rows: R[], map: (r: R) => T) => groupRows(rows, (r) => r.personId, map);

/**
 * The channel an event (alias e, its session s) happened in: its own when the sender named one,
 * else its session's. A page view's own classification says "direct" for every in-site click.
 */
export const EVENT_CHANNEL = "CASE WHEN e.channel_explicit = 1 THEN e.channel ELSE s.channel END";

/**
 * One load per key while the data version holds, shared by concurrent requests too: a dashboard
 * page asks several questions at once of the same rows, and D1 answers one query at a time.
 * Without a version (nothing to tell a change by) every call loads.
 */
export function sharedLoad<T>(cache: Map<string, Promise<T>>, key: string, version: string | undefined, load: () => Promise<T>): Promise<T> {
  if (version === undefined) return load();
  const id = `${key}|${version}`;
  let value = cache.get(id);
  if (!value) {
    value = load();
    value.catch(() => cache.delete(id));
    cache.set(id, value);
    // Two entries: the current version and the one being replaced.
    if (cache.size > 2) cache.delete(cache.keys().next().value!);
  }
  return value;
}

const peopleLoads = new Map<string, Promise<Map<string, string>>>();

/** Identity key -> person, for all of the site: one index-only read. */
export function personOfKeys(db: D1Database, siteId: string, version?: string): Promise<Map<string, string>> {
  return sharedLoad(peopleLoads, siteId, version, async () =>
    new Map(await db.prepare("SELECT ident_key, person_id FROM identities WHERE site_id = ?").bind(siteId).raw<[string, string]>()));
}
