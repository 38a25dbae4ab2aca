// Where a new site's data goes. Unless the admin names a database, the least loaded one: the
// smallest in bytes (D1 reports a database's size with every answer, and 10 GB per database is
// the limit that binds first), then the one holding fewer sites, then the first bound (DB).
import type { SiteDatabaseName, SiteDatabases } from "./site-db";
import { siteDatabases } from "./site-db";

export interface Load { name: SiteDatabaseName; bytes: number; sites: number }

/** The least loaded of `loads` (pure, so the order of preference is tested on its own). */
export function leastLoaded(loads: Load[]): SiteDatabaseName {
  if (loads.length === 0) throw new Error("no site database is bound");
  return loads.reduce((best, l) => (l.bytes < best.bytes || (l.bytes === best.bytes && l.sites < best.sites) ? l : best)).name;
}

/** Bytes and sites of every bound site database. */
export async function databaseLoads(env: SiteDatabases): Promise<Load[]> {
  const { results } = await env.DB.prepare("SELECT database, count(*) AS n FROM sites GROUP BY database").all<{ database: string; n: number }>();
  const sites = new Map(results.map((r) => [r.database, r.n]));
  return Promise.all(siteDatabases(env).map(async ({ name, db }) => {
    const { meta } = await db.prepare("SELECT 1").run();
    return { name, bytes: Number(meta.size_after ?? 0), sites: sites.get(name) ?? 0 };
  }));
}
