// The site catalog: sites by id or key, with a short in-isolate cache so ingest does not query D1
// per request. Ingest, auth, admin, the pipeline and the jobs all look sites up here.
import type { SiteRow, SiteSettings } from "../db/schema";
import type { Site } from "../env";
import { sha256Hex } from "../auth/crypto";

const TTL_MS = 30_000;
const cache = new Map<string, { site: Site | null; until: number }>();

export function toSite(row: SiteRow | Record<string, unknown>): Site {
  const r = row as Record<string, unknown>;
  const settings = typeof r.settings === "string" ? JSON.parse(r.settings) : r.settings;
  return {
    id: r.id as string,
    name: r.name as string,
    writeKey: (r.writeKey ?? r.write_key) as string,
    secretKeyHash: (r.secretKeyHash ?? r.secret_key_hash) as string,
    readTokenHash: (r.readTokenHash ?? r.read_token_hash) as string,
    previousSecretKeyHash: (r.previousSecretKeyHash ?? r.previous_secret_key_hash ?? null) as string | null,
    previousSecretValidUntil: (r.previousSecretValidUntil ?? r.previous_secret_valid_until ?? null) as number | null,
    settings: settings as SiteSettings,
    createdAt: (r.createdAt ?? r.created_at) as number,
    database: (r.database as string | null | undefined) ?? "DB",
    movingTo: (r.movingTo ?? r.moving_to ?? null) as string | null,
    moveState: (r.moveState ?? r.move_state ?? null) as string | null,
  };
}

async function cached(key: string, load: () => Promise<Site | null>, now: number): Promise<Site | null> {
  const hit = cache.get(key);
  if (hit && hit.until > now) return hit.site;
  const site = await load();
  cache.set(key, { site, until: now + TTL_MS });
  return site;
}

/** Key rotation and site edits call this so the change is seen at once in this isolate. */
export function forgetSites(): void {
  cache.clear();
}

export function siteById(db: D1Database, id: string, now = Date.now()): Promise<Site | null> {
  return cached(`id:${id}`, async () => {
    const row = await db.prepare("SELECT * FROM sites WHERE id = ?").bind(id).first();
    return row ? toSite(row) : null;
  }, now);
}

export function siteByWriteKey(db: D1Database, key: string, now = Date.now()): Promise<Site | null> {
  return cached(`w:${key}`, async () => {
    const row = await db.prepare("SELECT * FROM sites WHERE write_key = ?").bind(key).first();
    return row ? toSite(row) : null;
  }, now);
}

/** The current secret, or the previous one during its rotation grace period. */
export async function siteBySecretKey(db: D1Database, key: string, now = Date.now()): Promise<Site | null> {
  const hash = await sha256Hex(key);
  const site = await cached(`s:${hash}`, async () => {
    const row = await db
      .prepare("SELECT * FROM sites WHERE secret_key_hash = ?1 OR (previous_secret_key_hash = ?1 AND previous_secret_valid_until > ?2)")
      .bind(hash, now)
      .first();
    return row ? toSite(row) : null;
  }, now);
  // A cached hit can outlive the grace period it was loaded in: check the grace again at `now`.
  if (site && site.secretKeyHash !== hash && !(site.previousSecretKeyHash === hash && (site.previousSecretValidUntil ?? 0) > now)) return null;
  return site;
}

/**
 * Sites read now, not from the cache: the pipeline must see where a site's data lives the moment
 * a move switches it (a cached record may name the old database for up to TTL_MS).
 */
export async function sitesNow(db: D1Database, ids: string[]): Promise<Map<string, Site>> {
  const { results } = await db.prepare("SELECT * FROM sites WHERE id IN (SELECT value FROM json_each(?))").bind(JSON.stringify(ids)).all();
  return new Map(results.map((r) => [r.id as string, toSite(r)]));
}

/** One site read now (admin writes, which must reach the database the site is in at this moment). */
export const siteNow = async (db: D1Database, id: string): Promise<Site | null> => (await sitesNow(db, [id])).get(id) ?? null;

export async function allSites(db: D1Database): Promise<Site[]> {
  const { results } = await db.prepare("SELECT * FROM sites ORDER BY created_at").all();
  return results.map(toSite);
}
