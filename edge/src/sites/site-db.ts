// Where a site's data lives. The catalog (sites, shared links, salts, dead letters) is always `env.DB`; a site's
// data (events, sessions, identities, journey state, marketing and Act tables) lives in the one D1
// binding its record names: `DB` or `SITE_DB_1..n`. Every read and write of a site's data takes its
// handle from here, so a query never crosses databases and a site can be moved by changing one field.
import type { Bindings, Site } from "../env";
import { siteById } from "./catalog";

/** Binding names a site's data can live in. */
export type SiteDatabaseName = "DB" | `SITE_DB_${number}`;
export type SiteDatabases = Pick<Bindings, "DB"> & { [binding: `SITE_DB_${number}`]: D1Database | undefined };

const BINDING = /^SITE_DB_[1-9]\d*$/;

export const isSiteDatabaseName = (name: string): name is SiteDatabaseName => name === "DB" || BINDING.test(name);

/** The database holding `site`'s data. Throws when its binding is missing (a config error, not bad input). */
export function siteDb(env: SiteDatabases, site: Pick<Site, "database">): D1Database {
  const name = site.database ?? "DB";
  const db = isSiteDatabaseName(name) ? env[name] : undefined;
  if (!db) throw new Error(`site database ${name} is not bound`);
  return db;
}

/** The database of a site known by id only (a queue message, an admin path); null when no such site. */
export async function siteDbById(env: SiteDatabases, siteId: string, now = Date.now()): Promise<D1Database | null> {
  const site = await siteById(env.DB, siteId, now);
  return site && siteDb(env, site);
}

/** Every bound site database, `DB` first, then SITE_DB_1, SITE_DB_2, ... */
export function siteDatabases(env: SiteDatabases): { name: SiteDatabaseName; db: D1Database }[] {
  const extra = Object.keys(env).filter((k) => BINDING.test(k)).sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)));
  return [{ name: "DB" as SiteDatabaseName, db: env.DB }, ...extra.map((name) => ({ name: name as SiteDatabaseName, db: env[name as `SITE_DB_${number}`]! }))];
}
