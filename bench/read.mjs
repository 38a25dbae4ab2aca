// Read API latency against a running worker holding the demo data (`npm run seed`), two ways:
// - cold: the first answer after a new event was stored (no cache can help), over a few rounds,
//   one `bench_ping` event stored through the public ingest before each answer;
// - page: the questions of a dashboard page asked at once, just after a write;
// - warm: p50/p95 over ~20 repeats of the same question with no write in between.
// Sequential on purpose: D1 runs one query at a time, so concurrency would measure queueing.
// Standalone: `node bench/read.mjs [--url http://127.0.0.1:8787] [--runs 20] [--cold-rounds 3]`.
import { pathToFileURL } from "node:url";
import { DEMO } from "../scripts/dev-server.mjs";

export const ALL_ENDPOINTS = [
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
  "/people/anon-1000-1-a/timeline",
];

/** What the dashboard's overview page asks together. */
const PAGE = ["/overview", "/attribution?group_by=channel", "/paths?to=purchase&max_steps=5&top=20", "/transitions", "/journeys/stats"];

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];

/** Stores one event and waits until the read API shows it, so every next answer is recomputed. */
export async function storeOnePing(url, site, headers, secretKey) {
  const messageId = `bench-ping-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const send = () => fetch(`${url}/v1/batch`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`${secretKey}:`).toString("base64")}`, "content-type": "application/json" },
    body: JSON.stringify({ batch: [{ type: "track", event: "bench_ping", userId: "bench", messageId }] }),
  });
  let res = await send();
  // wrangler's dev proxy answers 503 while it restarts the worker (seen right after a 1M bulk load).
  for (let attempt = 0; res.status === 503 && attempt < 5; attempt++) {
    await new Promise((r) => setTimeout(r, 2000));
    res = await send();
  }
  if (!res.ok) throw new Error(`ingest answered ${res.status}`);
  const t0 = Date.now();
  for (let replayed = false; Date.now() < t0 + 30_000; await new Promise((r) => setTimeout(r, 100))) {
    const { events } = await (await fetch(`${url}/api/sites/${site}/events?limit=1`, { headers })).json();
    if (events[0]?.messageId === messageId) return;
    // Locally the queue sometimes holds a batch back: the cron's replay sweep sends it again.
    if (!replayed && Date.now() > t0 + 10_000) {
      replayed = true;
      await fetch(`${url}/api/admin/replay?site=${site}&hours=1&min_age_ms=5000`, { method: "POST", headers: { authorization: `Bearer ${DEMO.adminToken}` } });
    }
  }
  throw new Error("the ping event was not stored within 30 s");
}

async function timed(get, endpoint) {
  const t0 = performance.now();
  const res = await get(endpoint);
  await res.arrayBuffer();
  return { ms: performance.now() - t0, status: res.status };
}

/**
 * @param {{ url: string, site?: string, token?: string, secretKey?: string, runs?: number, coldRounds?: number }} o
 * @returns {Promise<{ events: number, rows: { endpoint: string, coldP50: number, coldMax: number, p50: number, p95: number, status: number }[] }>}
 */
export async function run({ url, site = "demo", token = "demo-read-token", secretKey = "demo-secret-key", runs = 20, coldRounds = 3 }) {
  const only = process.env.BENCH_ONLY?.split(",");
  const ENDPOINTS = only ? ALL_ENDPOINTS.filter((e) => only.some((o) => e.startsWith(o))) : ALL_ENDPOINTS;
  const headers = { authorization: `Bearer ${token}` };
  const get = (path) => fetch(`${url}/api/sites/${site}${path}`, { headers });
  const cold = new Map(ENDPOINTS.map((e) => [e, []]));
  // A write before each cold answer: answers share loaded rows within a data version.
  for (let round = 0; round < coldRounds; round++) {
    for (const endpoint of ENDPOINTS) {
      await storeOnePing(url, site, headers, secretKey);
      cold.get(endpoint).push((await timed(get, endpoint)).ms);
    }
  }
  const rows = [];
  for (const endpoint of ENDPOINTS) {
    const times = [];
    let status = 0;
    for (let i = 0; i < runs; i++) {
      const r = await timed(get, endpoint);
      times.push(r.ms);
      status = r.status;
    }
    times.sort((a, b) => a - b);
    const c = cold.get(endpoint).sort((a, b) => a - b);
    rows.push({ endpoint, status, coldP50: pct(c, 0.5), coldMax: c[c.length - 1], p50: pct(times, 0.5), p95: pct(times, 0.95) });
  }
  // A dashboard page asks its questions at once, and D1 answers them one query at a time.
  const pageTimes = [];
  for (let round = 0; round < coldRounds; round++) {
    await storeOnePing(url, site, headers, secretKey);
    const t0 = performance.now();
    await Promise.all(PAGE.map((e) => get(e).then((r) => r.arrayBuffer())));
    pageTimes.push(performance.now() - t0);
  }
  pageTimes.sort((a, b) => a - b);
  rows.push({ endpoint: `page: ${PAGE.length} journey answers at once`, status: 200, coldP50: pct(pageTimes, 0.5), coldMax: pageTimes[pageTimes.length - 1], p50: NaN, p95: NaN });
  const overview = await (await get("/overview?from=0")).json();
  console.log(`\nRead API, ${overview.events} stored events (all time), default range (last 30 days): cold = first answer after a write (${coldRounds} rounds), warm = ${runs} repeats`);
  console.table(rows.map((r) => ({
    endpoint: r.endpoint, status: r.status, "cold p50 ms": Math.round(r.coldP50), "cold max ms": Math.round(r.coldMax),
    "warm p50 ms": Math.round(r.p50), "warm p95 ms": Math.round(r.p95),
  })));
  return { events: overview.events, rows };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const opt = (name, fallback) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : fallback);
  await run({ url: opt("url", "http://127.0.0.1:8787"), runs: Number(opt("runs", 20)), coldRounds: Number(opt("cold-rounds", 3)) });
}
