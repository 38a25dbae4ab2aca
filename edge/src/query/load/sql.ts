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
 * One load per key while the data version holds, so that the questions a dashboard asks of the
 * same rows (attribution, paths, transitions, stats) read them once. Only settled values are
 * shared: workerd does not let a request wait on I/O another request started (the waiter hangs
 * once the starter is done; seen in bench/read.mjs), so requests that miss together each load.
 * Without a version (nothing to tell a change by) every call loads.
 */
export async function sharedLoad<T>(cache: Map<string, T>, key: string, version: string | undefined, load: () => Promise<T>): Promise<T> {
  if (version === undefined) return load();
  const id = `${key}|${version}`;
  const hit = cache.get(id);
  if (hit !== undefined) return hit;
  const value = await load();
  cache.set(id, value);
  // Two entries: the current version and the one it replaces.
  if (cache.size > 2) cache.delete(cache.keys().next().value!);
  return value;
}

const peopleLoads = new Map<string, Map<string, string>>();

/** Identity key -> person, for all of the site: one index-only read. */
export function personOfKeys(db: D1Database, siteId: string, version?: string): Promise<Map<string, string>> {
  return sharedLoad(peopleLoads, siteId, version, async () =>
    new Map(await db.prepare("SELECT ident_key, person_id FROM identities WHERE site_id = ?").bind(siteId).raw<[string, string]>()));
}
