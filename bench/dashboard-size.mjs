// Sizes of what the dashboard's first view downloads (the build in edge/public/), against its
// budget: 100 KB of JavaScript, gzip. Run `npm run build -w dashboard` first.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PUBLIC = path.join(ROOT, "edge", "public");
const FILES = ["app.js", "app.css", "index.html"];
export const JS_BUDGET_GZIP = 100 * 1024;

export function measure() {
  return FILES.filter((file) => existsSync(path.join(PUBLIC, file))).map((file) => {
    const bytes = readFileSync(path.join(PUBLIC, file));
    return { file: `edge/public/${file}`, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
}

export async function run() {
  const rows = measure();
  if (rows.length === 0) {
    console.log("dashboard: no build in edge/public (run `npm run build -w dashboard`)");
    return rows;
  }
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log("\ndashboard bundle (gzip -9)");
  for (const r of rows) console.log(`  ${r.file.padEnd(24)} ${kb(r.raw).padStart(9)} raw ${kb(r.gzip).padStart(9)} gzip`);
  const total = rows.reduce((n, r) => n + r.gzip, 0);
  const js = rows.filter((r) => r.file.endsWith(".js")).reduce((n, r) => n + r.gzip, 0);
  console.log(`  ${"total".padEnd(24)} ${"".padStart(13)} ${kb(total).padStart(9)} gzip`);
  console.log(`  JavaScript ${kb(js)} gzip of a ${kb(JS_BUDGET_GZIP)} budget (${((js / JS_BUDGET_GZIP) * 100).toFixed(0)}%)`);
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
