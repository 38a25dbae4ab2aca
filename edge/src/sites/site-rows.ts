// A site's rows in one database, table by table: which tables hold site data, and the paged copy,
// count and delete a move between databases is made of (jobs/move-site.ts). The tables are read
// from the database itself, so a table a later migration adds moves with the rest unlisted; only
// the catalog's own tables are named here, and a test holds the list to the schema.

/** Tables that stay in the catalog (env.DB) or belong to the database itself: never moved. */
export const NOT_SITE_DATA = new Set(["sites", "shares", "dead_letters", "salts", "move_fences", "d1_migrations"]);

export interface SiteTable {
  name: string;
  /** Columns copied: all but an INTEGER PRIMARY KEY, which the target numbers anew (ids are per database). */
  columns: string[];
  /**
   * A WITHOUT ROWID table's primary key columns (it has no rowid to page and delete by: its key
   * does that instead); null for a table with a rowid.
   */
  key: string[] | null;
  /** The WHERE clause picking the site's rows (?1, ?2) and its bindings. */
  where: string;
  bind: (siteId: string) => string[];
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

// Stored batch keys carry the site in their archive path (raw/<site>/...), not in a column.
const BY_ARCHIVE_KEY = { where: "key >= ?1 AND key < ?2", bind: (siteId: string) => [`raw/${siteId}/`, `raw/${siteId}0`] };
const BY_SITE_ID = { where: "site_id = ?1", bind: (siteId: string) => [siteId] };

/** The tables of `db` (the catalog's left out), in name order: those holding site data, and the others. */
async function readTables(db: D1Database): Promise<{ tables: SiteTable[]; unplaced: string[] }> {
  const { results } = await db.prepare(
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY name")
    .all<{ name: string; sql: string }>();
  const found = results.filter((r) => !NOT_SITE_DATA.has(r.name));
  const tables: SiteTable[] = [];
  const unplaced: string[] = [];
  if (found.length === 0) return { tables, unplaced };
  const infos = await db.batch(found.map((t) => db.prepare(`PRAGMA table_info(${quote(t.name)})`)));
  found.forEach(({ name, sql }, i) => {
    const cols = infos[i].results as { name: string; type: string; pk: number }[];
    const pks = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
    const withoutRowid = /\)\s*WITHOUT\s+ROWID\s*;?\s*$/i.test(sql);
    const rowidAlias = !withoutRowid && pks.length === 1 && pks[0].type.toUpperCase() === "INTEGER" ? pks[0].name : null;
    const by = cols.some((c) => c.name === "site_id") ? BY_SITE_ID : name === "ingested_batches" ? BY_ARCHIVE_KEY : null;
    if (by) tables.push({ name, columns: cols.map((c) => c.name).filter((c) => c !== rowidAlias), key: withoutRowid ? pks.map((c) => c.name) : null, ...by });
    else unplaced.push(name);
  });
  return { tables, unplaced };
}

/** Every table of `db` holding site data, in name order. */
export const siteTables = async (db: D1Database): Promise<SiteTable[]> => (await readTables(db)).tables;

/** Tables that hold neither a site_id nor a known key: a migration added something no move would carry. */
export const unplacedTables = async (db: D1Database): Promise<string[]> => (await readTables(db)).unplaced;

// A page is read in one query and written in as few as its JSON allows: D1 takes up to 2 MB per value.
const PAGE_ROWS = 1000;
const PART_BYTES = 800_000;

/**
 * Where a copy of a table has got to: the last source rowid copied, or for a WITHOUT ROWID table the
 * last primary key copied (its values, in key order). 0: nothing yet. Travels in queue messages (JSON).
 */
export type CopyCursor = number | unknown[];

/**
 * Copies the site's rows of `t` after `after`, one page. A table with a rowid goes in rowid order
 * (so the target numbers them in the same order: an event's id keeps its place among the site's
 * events): NOT INDEXED walks the table by rowid from `after`, so each page starts where the last
 * ended. A WITHOUT ROWID table has no rowid: it goes in key order, each page a seek of its key.
 */
export async function copyPage(src: D1Database, dst: D1Database, t: SiteTable, siteId: string, after: CopyCursor): Promise<{ copied: number; after: CopyCursor }> {
  const cols = t.columns.map(quote).join(", ");
  const binds: unknown[] = t.bind(siteId);
  let rows: unknown[][];
  let next: () => CopyCursor;
  if (t.key) {
    const key = t.key.map(quote).join(", ");
    const from = Array.isArray(after) ? ` AND (${key}) > (${after.map((v) => `?${binds.push(v)}`).join(", ")})` : "";
    rows = await src.prepare(`SELECT ${cols} FROM ${quote(t.name)} WHERE ${t.where}${from} ORDER BY ${key} LIMIT ${PAGE_ROWS}`).bind(...binds).raw<unknown[]>();
    next = () => t.key!.map((k) => rows[rows.length - 1][t.columns.indexOf(k)]);
  } else {
    const raw = await src.prepare(`SELECT rowid, ${cols} FROM ${quote(t.name)} NOT INDEXED WHERE ${t.where} AND rowid > ?${binds.length + 1}
      ORDER BY rowid LIMIT ${PAGE_ROWS}`).bind(...binds, after).raw<unknown[]>();
    rows = raw.map((r) => r.slice(1));
    next = () => raw[raw.length - 1][0] as number;
  }
  if (rows.length === 0) return { copied: 0, after };
  // OR IGNORE: a step retried after its page was written writes nothing twice where rows have a
  // unique key; elsewhere the counts compared before the switch catch a doubled page.
  const insert = `INSERT OR IGNORE INTO ${quote(t.name)} (${cols}) SELECT ${t.columns.map((_, i) => `value->>${i}`).join(", ")} FROM json_each(?1) ORDER BY key`;
  const statements: D1PreparedStatement[] = [];
  let part: string[] = [];
  let bytes = 0;
  for (const r of rows) {
    const json = JSON.stringify(r);
    if (part.length && bytes + json.length > PART_BYTES) {
      statements.push(dst.prepare(insert).bind(`[${part.join(",")}]`));
      part = [];
      bytes = 0;
    }
    part.push(json);
    bytes += json.length;
  }
  statements.push(dst.prepare(insert).bind(`[${part.join(",")}]`));
  await dst.batch(statements);
  return { copied: rows.length, after: next() };
}

export async function countRows(db: D1Database, t: SiteTable, siteId: string): Promise<number> {
  return (await db.prepare(`SELECT count(*) AS n FROM ${quote(t.name)} WHERE ${t.where}`).bind(...t.bind(siteId)).first<{ n: number }>())!.n;
}

/** Deletes up to `limit` of the site's rows of `t`; how many went. */
export async function deleteRows(db: D1Database, t: SiteTable, siteId: string, limit: number): Promise<number> {
  // A WITHOUT ROWID table's rows are named by their key (a row value), others' by their rowid.
  const id = t.key ? t.key.map(quote).join(", ") : "rowid";
  // Counted by RETURNING: D1's meta.changes counts what triggers write too (activity_days).
  return (await db.prepare(`DELETE FROM ${quote(t.name)} WHERE (${id}) IN (SELECT ${id} FROM ${quote(t.name)} WHERE ${t.where} LIMIT ${limit}) RETURNING 1`)
    .bind(...t.bind(siteId)).raw()).length;
}
