// `npm run bench`: starts the real worker (log level warn: per-request logging halves throughput)
// on a fresh local state, and prints every benchmark's numbers and ratios. No pass/fail here.
import { mkdtempSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServer, ROOT } from "../scripts/dev-server.mjs";
import * as ingest from "./ingest.mjs";
import * as readSizes from "./read-sizes.mjs";
import * as dashboardLoad from "./dashboard-load.mjs";
import * as act from "./act.mjs";
import * as compareSegments from "./compare-segments.mjs";
import * as move from "./move.mjs";
import * as ingestBefore from "./ingest-before.mjs";

// Parts to run, then options: `npm run bench -- read --sizes 100k,1m,10m` (`--http` loads the read
// data set through the public ingest instead of the bench-only bulk route; `--data <dir>` keeps the
// local state in <dir> and reuses it next time, loading only what a size still lacks, and skips the
// raw ageing that would spoil it; BENCH_ONLY=/funnel,/stalled asks only the questions starting so).
const argv = process.argv.slice(2);
const option = (name) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : undefined);
const only = argv.filter((a, i) => !a.startsWith("--") && !(i > 0 && argv[i - 1] === "--sizes"));
const want = (name) => only.length === 0 || only.includes(name);
const parseSize = (s) => Math.round(Number(s.replace(/[km]$/i, "")) * ({ k: 1e3, m: 1e6 }[s.slice(-1).toLowerCase()] ?? 1));

async function optional(file) {
  return existsSync(path.join(ROOT, "bench", file)) ? import(`./${file}`) : null;
}

const sizes = await optional("sdk-size.mjs");
if (sizes && want("sizes")) {
  console.log("\nSDK bundles beside other trackers (from their npm packages, this run)");
  console.table((await sizes.run()).map((r) => ({ name: r.name, raw: r.raw, "gzip -9": r.gzip, brotli: r.brotli, file: r.file })));
}
const dash = await optional("dashboard-size.mjs");
if (dash && want("sizes")) await dash.run();

const port = Number(process.env.BENCH_PORT ?? 8788);
// Each part gets its own fresh local state: the ingest load must not skew the read data set.
// The cron stays off: locally it runs in the same single-threaded workerd as the requests, so its
// minute-long sweeps at 1M events (churn scores, act) would sit in the middle of the timings.
const dataDir = option("data");
async function withServer(fn, vars = {}) {
  const persistDir = dataDir ? path.resolve(dataDir) : mkdtempSync(path.join(tmpdir(), "parcours-bench-"));
  if (dataDir) mkdirSync(persistDir, { recursive: true });
  const server = await startServer({ port, persistDir, cron: false, vars });
  try {
    return await fn(server.url, persistDir);
  } finally {
    await server.stop();
  }
}

if (want("dashboard")) await withServer((url) => dashboardLoad.run({ url }));
if (want("act")) await withServer((url) => act.run({ url }));
// BENCH_SEGMENT_PEOPLE=3000 by default: about 50k events.
if (want("segments")) await withServer((url) => compareSegments.run({ url, people: Number(process.env.BENCH_SEGMENT_PEOPLE ?? 3000) }));
if (want("move")) await withServer((url) => move.run({ url }));
if (want("ingest")) await withServer(async (url) => ingest.print(await ingest.run({ url })));
// Only when named: it installs and builds an older commit in a temporary worktree.
if (only.includes("ingest-before")) await ingestBefore.run({ port });
if (want("read")) {
  // --sizes 100k,1m,10m (or BENCH_SIZES=20000,100000); the default is the 100k / 1M pair. The data
  // set is loaded through the bulk route (the same pipeline code in workerd) unless --http.
  const list = option("sizes") ?? process.env.BENCH_SIZES;
  const sizes = list ? list.split(",").map(parseSize) : undefined;
  const bulk = !argv.includes("--http");
  await withServer((url, persistDir) => readSizes.run({ url, sizes, persistDir, bulk, age: !dataDir }), bulk ? { PARCOURS_BENCH_BULK: "1" } : {});
}
