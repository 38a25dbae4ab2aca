// Read API latency: p50/p95 of each endpoint over ~20 sequential runs against a running worker
// holding the demo data (`npm run seed`). Sequential on purpose: D1 runs one query at a time, so
// concurrent requests would measure queueing, not the query.
// Standalone: `node bench/read.mjs [--url http://127.0.0.1:8787] [--runs 20]`.
import { pathToFileURL } from "node:url";

export const ENDPOINTS = [
  "/overview",
  "/events?limit=50",
  "/timeseries?interval=day",
  "/channels",
  "/event-names",
  "/attribution?group_by=channel",
  "/attribution?group_by=campaign&value=revenue",
  "/funnel?steps=view_product,add_to_cart,purchase&window=7d",
  "/funnel?steps=view_product,add_to_cart,purchase&order=strict&breakdown=channel",
  "/paths?to=purchase&max_steps=5&top=20",
  "/paths?from=quote_requested",
  "/transitions",
  "/journeys/stats",
  "/stalled?started=quote_requested&expected=purchase&after=3d",
  "/churn?event=unsubscribe",
  "/retention?interval=week",
  "/vitals",
  "/people/anon-1-1-a/timeline",
];

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];

/**
 * @param {{ url: string, site?: string, token?: string, runs?: number }} o
 * @returns {Promise<{ events: number, rows: { endpoint: string, p50: number, p95: number, status: number }[] }>}
 */
export async function run({ url, site = "demo", token = "demo-read-token", runs = 20 }) {
  const headers = { authorization: `Bearer ${token}` };
  const get = (path) => fetch(`${url}/api/sites/${site}${path}`, { headers });
  const overview = await (await get("/overview?from=0")).json();
  const rows = [];
  for (const endpoint of ENDPOINTS) {
    const times = [];
    let status = 0;
    // One warm-up run, so the first compile of a statement is not counted.
    await (await get(endpoint)).arrayBuffer();
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const res = await get(endpoint);
      await res.arrayBuffer();
      times.push(performance.now() - t0);
      status = res.status;
    }
    times.sort((a, b) => a - b);
    rows.push({ endpoint, p50: pct(times, 0.5), p95: pct(times, 0.95), status });
  }
  console.log(`\nRead API, ${overview.events} stored events (all time), ${runs} runs each, default range (last 30 days)`);
  console.table(rows.map((r) => ({ endpoint: r.endpoint, status: r.status, "p50 ms": Math.round(r.p50), "p95 ms": Math.round(r.p95) })));
  return { events: overview.events, rows };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const opt = (name, fallback) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : fallback);
  await run({ url: opt("url", "http://127.0.0.1:8787"), runs: Number(opt("runs", 20)) });
}
