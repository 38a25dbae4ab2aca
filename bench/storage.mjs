// Bytes each table (with its indexes) takes in the local D1 file, per stored event: what one
// site's history costs D1. D1 has no dbstat, so this reads the file workerd keeps under the
// persist dir with Python's sqlite3 (dbstat counts whole pages, as the 10 GB limit does).
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

const PY = `
import sqlite3, sys, json
c = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
owner = {name: tbl for name, tbl in c.execute("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')")}
sizes = {}
for name, size in c.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
    t = owner.get(name, name)
    sizes[t] = sizes.get(t, 0) + size
print(json.dumps(sizes))
`;

/** The D1 database file of a persist dir (the one holding the events table: the largest). */
function d1File(persistDir) {
  const dir = path.join(persistDir, "v3", "d1", "miniflare-D1DatabaseObject");
  return readdirSync(dir).filter((f) => f.endsWith(".sqlite")).map((f) => path.join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0];
}

/** The D1 file's size on disk (bytes). */
export function d1Bytes(persistDir) {
  return statSync(d1File(persistDir)).size;
}

/** The local R2 archive's size on disk (bytes): its blobs and their index. */
export function archiveBytes(persistDir) {
  const walk = (dir) => readdirSync(dir, { withFileTypes: true })
    .reduce((n, d) => n + (d.isDirectory() ? walk(path.join(dir, d.name)) : statSync(path.join(dir, d.name)).size), 0);
  try {
    return walk(path.join(persistDir, "v3", "r2"));
  } catch {
    return null;
  }
}

/** Table -> bytes (table and its indexes), or null when python3 with dbstat is not at hand. */
export function tableBytes(persistDir) {
  try {
    return JSON.parse(execFileSync("python3", ["-c", PY, d1File(persistDir)], { encoding: "utf8" }));
  } catch {
    return null;
  }
}

const LONG_TERM = ["person_state", "journeys", "identities", "journey_days", "activity_days", "journey_meta"];

export function print(label, bytes, events) {
  if (!bytes) return console.log(`${label}: table sizes need python3 with sqlite3 (dbstat); skipped`);
  const rows = Object.entries(bytes).filter(([, b]) => b > 8192).sort((a, b) => b[1] - a[1]);
  console.log(`\nD1 bytes per stored event, ${label} (${events} events):`);
  console.table(rows.map(([table, b]) => ({ table, MB: +(b / 1e6).toFixed(1), "bytes/event": +(b / events).toFixed(1) })));
  const longTerm = LONG_TERM.reduce((n, t) => n + (bytes[t] ?? 0), 0);
  const total = Object.values(bytes).reduce((n, b) => n + b, 0);
  console.log(`all tables ${(total / events).toFixed(0)} B/event; kept long-term (journey state, journeys, identities, journey and activity day digests) ${(longTerm / events).toFixed(1)} B/event`);
}
