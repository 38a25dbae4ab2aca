// `npm run bench`: starts the real worker (log level warn: per-request logging halves throughput)
// on a fresh local state, and prints every benchmark's numbers and ratios. No pass/fail here.
import { mkdtempSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServer, ROOT } from "../scripts/dev-server.mjs";
import * as ingest from "./ingest.mjs";

const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.includes(name);

async function optional(file) {
  return existsSync(path.join(ROOT, "bench", file)) ? import(`./${file}`) : null;
}

const sizes = await optional("sdk-size.mjs");
if (sizes && want("sizes")) await sizes.run();
const dash = await optional("dashboard-size.mjs");
if (dash && want("sizes")) await dash.run();

const server = await startServer({ port: Number(process.env.BENCH_PORT ?? 8788), persistDir: mkdtempSync(path.join(tmpdir(), "parcours-bench-")) });
try {
  if (want("ingest")) ingest.print(await ingest.run({ url: server.url }));
  const read = await optional("read.mjs");
  if (read && want("read")) await read.run({ url: server.url });
} finally {
  await server.stop();
}
