// `npm run history -- --site demo "SELECT channel, count(*) AS n FROM events GROUP BY 1"`: the
// same SQL one would run with R2 SQL over the Iceberg history table, run locally with DuckDB over
// the site's full archive. The rows come from the running worker (PARCOURS_URL, default
// http://127.0.0.1:8787) through GET /api/admin/sites/:site/history, as NDJSON of the history
// schema (README, "History as Iceberg on R2"); DuckDB reads them from a temporary file with every
// column typed, so the table is the same even when the range is empty. Nothing is downloaded.
//
// Options: --site <id> (default demo), --from / --to YYYY-MM-DD (event days, UTC), --json.
// The admin token is PARCOURS_ADMIN_TOKEN, or the local default of `npm start`.
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DuckDBInstance } from "@duckdb/node-api";
import { DEMO } from "./dev-server.mjs";

// The stream's schema file is the one list of columns (a worker test holds it equal to
// edge/src/pipeline/history.ts); DuckDB gets the same columns with the matching types.
const STREAM_TO_DUCKDB = { int32: "INTEGER", string: "VARCHAR", timestamp: "TIMESTAMPTZ", bool: "BOOLEAN", float64: "DOUBLE", json: "JSON" };
const schema = JSON.parse(readFileSync(new URL("./history-stream.schema.json", import.meta.url), "utf8"));
export const COLUMN_TYPES = Object.fromEntries(schema.fields.map((f) => [f.name, STREAM_TO_DUCKDB[f.type]]));

export function parseArgs(argv) {
  const opts = { site: "demo", json: false, from: undefined, to: undefined, sql: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") opts.json = true;
    else if (a === "--site" || a === "--from" || a === "--to") {
      if (argv[i + 1] === undefined) throw new Error(`${a} needs a value`);
      opts[a.slice(2)] = argv[++i];
    } else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
    else if (opts.sql === undefined) opts.sql = a;
    else throw new Error("give the SQL as one argument (quote it)");
  }
  if (!opts.sql) throw new Error('usage: npm run history -- [--site demo] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json] "SELECT ... FROM events ..."');
  return opts;
}

/** Streams the site's history rows into `file`; returns how many rows came. */
async function download(url, token, site, from, to, file) {
  const q = new URLSearchParams();
  if (from) q.set("from", from);
  if (to) q.set("to", to);
  const res = await fetch(`${url}/api/admin/sites/${encodeURIComponent(site)}/history${q.size ? `?${q}` : ""}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) {
    const body = await res.text();
    let message = body;
    try { message = JSON.parse(body).error.message; } catch { /* not JSON */ }
    throw new Error(`${res.status} from ${url}: ${message}`);
  }
  await pipeline(Readable.fromWeb(res.body), createWriteStream(file));
}

/** Runs `sql` over the NDJSON file as table `events`; returns column names and rows as JSON values. */
export async function query(file, sql) {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    await conn.run("SET TimeZone = 'UTC'");
    const columns = Object.entries(COLUMN_TYPES).map(([k, t]) => `${k}: '${t}'`).join(", ");
    await conn.run(`CREATE TABLE events AS SELECT * FROM read_json('${file.replaceAll("'", "''")}', format = 'newline_delimited', columns = {${columns}})`);
    const reader = await conn.runAndReadAll(sql);
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJson() };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

export function formatTable({ columns, rows }) {
  const cell = (v) => (v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const numeric = columns.map((c) => rows.length > 0 && rows.every((r) => r[c] === null || /^-?\d+(\.\d+)?$/.test(cell(r[c]))));
  const line = (vals) => vals.map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(columns), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map((r) => line(columns.map((c) => cell(r[c])))),
    `(${rows.length} row${rows.length === 1 ? "" : "s"})`].join("\n");
}

export async function history(argv, env = process.env) {
  const opts = parseArgs(argv);
  const url = (env.PARCOURS_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "");
  const dir = mkdtempSync(path.join(tmpdir(), "parcours-history-"));
  try {
    const file = path.join(dir, "events.ndjson");
    await download(url, env.PARCOURS_ADMIN_TOKEN ?? DEMO.adminToken, opts.site, opts.from, opts.to, file);
    const result = await query(file, opts.sql);
    return opts.json ? JSON.stringify(result.rows, null, 2) : formatTable(result);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  history(process.argv.slice(2)).then((out) => console.log(out), (e) => {
    console.error(e.message);
    process.exit(1);
  });
}
