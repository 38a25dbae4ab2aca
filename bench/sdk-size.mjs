// Sizes of what a site downloads: our script tag (s.js), its lazily loaded parts (v.js vitals,
// l.js links and downloads), the survey prompt (f.js) and the npm bundle, beside the main browser
// bundle of three well-known trackers, measured in the same run from their npm packages (from
// node_modules if present, else installed into a temp dir).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// Each package's file a site would load from a <script> tag or a bundler's browser build.
const OTHERS = [
  ["posthog-js", "dist/array.js"],
  ["@segment/analytics-next", "dist/umd/standalone.js"],
  ["@plausible-analytics/tracker", "plausible.js"],
];

function sizes(name, file, shown = path.relative(ROOT, file)) {
  const bytes = readFileSync(file);
  return {
    name,
    file: shown,
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

function packagesDir() {
  if (OTHERS.every(([pkg]) => existsSync(path.join(ROOT, "node_modules", pkg)))) return path.join(ROOT, "node_modules");
  const dir = mkdtempSync(path.join(tmpdir(), "parcours-bench-"));
  execFileSync("npm", ["install", "--prefix", dir, "--no-save", "--no-audit", "--no-fund", ...OTHERS.map(([pkg]) => pkg)], { stdio: "ignore" });
  return path.join(dir, "node_modules");
}

function version(modules, pkg) {
  return JSON.parse(readFileSync(path.join(modules, pkg, "package.json"), "utf8")).version;
}

export function run() {
  const dist = path.join(ROOT, "sdk", "dist");
  if (!existsSync(path.join(dist, "s.js"))) execFileSync("npm", ["run", "build", "-w", "sdk"], { cwd: ROOT, stdio: "ignore" });
  const rows = [
    sizes("parcours s.js (script tag)", path.join(dist, "s.js")),
    sizes("parcours v.js (web vitals, lazy)", path.join(dist, "v.js")),
    sizes("parcours l.js (links and downloads, lazy)", path.join(dist, "l.js")),
    sizes("parcours f.js (survey prompt, optional)", path.join(dist, "f.js")),
    sizes("parcours index.js (npm, ESM)", path.join(dist, "index.js")),
  ];
  const modules = packagesDir();
  for (const [pkg, file] of OTHERS) {
    const full = path.join(modules, pkg, file);
    // A package that moved its bundle should show as missing, not break the other rows.
    if (existsSync(full)) rows.push(sizes(`${pkg}@${version(modules, pkg)}`, full, `${pkg}/${file}`));
    else rows.push({ name: pkg, file: `${pkg}/${file} (not found)`, raw: NaN, gzip: NaN, brotli: NaN });
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.table(run().map((r) => ({ name: r.name, raw: r.raw, "gzip -9": r.gzip, brotli: r.brotli, file: r.file })));
}
