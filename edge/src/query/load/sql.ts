// SQL pieces every loader shares: the read API's row filters (events and sessions name the
// filtered columns alike, so one clause serves both), row grouping, and the person of an identity.
import { waitUntil } from "cloudflare:workers";
import type { TouchFilter } from "../journeys";
import { ParamError } from "../params";
import { peopleFitSql } from "./horizon";

export interface Clause {
  sql: string;
  params: unknown[];
}

/**
 * With firstIndex the placeholders are numbered (?5, ?6...), so one set of values serves several
 * clauses. The filter's people (a segment) narrow the rows to their identities (`ident_key`), so
 * the database counts only theirs.
 */
export function filterClause(alias: string, { people, ...columns }: TouchFilter, firstIndex?: number): Clause {
  const entries = Object.entries(columns).filter(([, v]) => v !== undefined);
  const placeholder = (i: number) => (firstIndex === undefined ? "?" : `?${firstIndex + i}`);
  const sql = entries.map(([column], i) => ` AND ${alias}.${column} = ${placeholder(i)}`).join("");
  const params: unknown[] = entries.map(([, v]) => v);
  if (!people) return { sql, params };
  // The split loaders read such a set from the states (horizon.ts); what reads raw rows only cannot.
  if (!peopleFitSql(people)) throw new ParamError("segment", "this segment holds too many people for an answer read from raw events only (/events, /vitals, /feedback): narrow it or the range");
  return {
    sql: `${sql} AND ${alias}.ident_key IN (SELECT value FROM json_each(${placeholder(entries.length)}))`,
    params: [...params, JSON.stringify(people.keys)],
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

// Loads of the whole range run one at a time in an isolate. At a million events one takes some
// 70 MB while it runs; a dashboard page's five at once took workerd past 1.5 GB and left answers
// hanging (bench/read.mjs), and a deployed isolate has 128 MB. Waiting also lets the later
// askers find the first one's rows instead of loading them again.
// A waiter polls on a timer of its own rather than awaiting a promise another request resolves:
// workerd cancels a request that waits with nothing of its own pending ("code had hung").
// A request cancelled while it holds the load (the client went away: a dashboard changing view)
// never runs its own `finally`. So the load is handed to waitUntil, which keeps the request alive
// until the load settles and lets it release the hold (the rows it read are then shared as usual).
// A holder killed outright all the same (waitUntil's grace after a cancel is limited) stops
// beating: its beat is a timer of its request, which dies with it, and a waiter that sees no beat
// for TAKE_OVER_MS takes the load over. A working holder beats even through a long D1 read.
const BEAT_MS = 50;
const TAKE_OVER_MS = 1_000;
const POLL_MS = 10;
let hold: { beats: number } | null = null;

async function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  let seen = -1;
  let silent = 0;
  // Silence counts this waiter's own polls, so a late timer (a busy isolate) never hurries a take-over.
  while (hold !== null && silent * POLL_MS < TAKE_OVER_MS) {
    if (hold.beats !== seen) [seen, silent] = [hold.beats, 0];
    else silent++;
    await new Promise((wake) => setTimeout(wake, POLL_MS));
  }
  const mine = { beats: 0 };
  hold = mine;
  const beat = setInterval(() => mine.beats++, BEAT_MS);
  const run = (async () => {
    try {
      return await work();
    } finally {
      clearInterval(beat);
      // A holder taken over and finishing late leaves the newer hold alone.
      if (hold === mine) hold = null;
    }
  })();
  waitUntil(run.catch(() => {}));
  return run;
}

/** Whether a whole-range load holds the isolate now (tests time their aborts by it). */
export const loadHeld = (): boolean => hold !== null;

/**
 * One load per key while the data version holds, so that the questions a dashboard asks of the
 * same rows (attribution, paths, transitions, stats) read them once. Only settled values are
 * shared, never a promise: a request cannot wait on another's. Without a version every call loads.
 */
export async function sharedLoad<T>(cache: Map<string, T>, key: string, version: string | undefined, load: () => Promise<T>): Promise<T> {
  if (version === undefined) return oneAtATime(load);
  const id = `${key}|${version}`;
  return (
    cache.get(id) ??
    oneAtATime(async () => {
      const hit = cache.get(id);
      if (hit !== undefined) return hit;
      const value = await load();
      cache.set(id, value);
      // Two entries: the current version and the one it replaces.
      if (cache.size > 2) cache.delete(cache.keys().next().value!);
      return value;
    })
  );
}

const peopleLoads = new Map<string, Map<string, string>>();

/** Identity key -> person, for all of the site: one index-only read. */
export function personOfKeys(db: D1Database, siteId: string, version?: string): Promise<Map<string, string>> {
  return sharedLoad(peopleLoads, siteId, version, async () =>
    new Map(await db.prepare("SELECT ident_key, person_id FROM identities WHERE site_id = ?").bind(siteId).raw<[string, string]>()));
}
