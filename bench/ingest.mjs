// Ingest throughput: /v1/batch (20 events per request) against /health in the same run, then
// stored events/s end to end (ingest -> queue -> consumer -> D1).
import { load } from "./load.mjs";
import { DEMO } from "../scripts/dev-server.mjs";

const EVENTS_PER_REQUEST = 20;
// Server sources (Segment's libraries, the seed) send up to 100 per request: the pipeline's
// capacity shows there, where per-request overhead weighs less.
const LARGE_BATCH = 100;
const auth = { authorization: `Basic ${Buffer.from(`${DEMO.site.secretKey}:`).toString("base64")}`, "content-type": "application/json" };

function batchBody(run, i, size = EVENTS_PER_REQUEST) {
  const batch = [];
  for (let j = 0; j < size; j++) {
    const n = i * size + j;
    batch.push({ type: j % 4 === 0 ? "page" : "track", event: j % 4 === 0 ? undefined : "view_product", messageId: `${run}-${n}`,
      anonymousId: `bench-${run}-${i % 500}`, properties: { sku: `p${n % 97}`, path: "/products" },
      context: { page: { url: "https://shop.example/products?utm_source=google&utm_medium=cpc" } } });
  }
  return JSON.stringify({ batch });
}

async function stats(url) {
  const r = await fetch(`${url}/api/admin/stats?site=demo`, { headers: { authorization: `Bearer ${DEMO.adminToken}` } });
  return r.json();
}

/** Sends for durationMs, then waits until every accepted event is in D1: stored events/s end to end. */
async function sendAndStore(url, size, durationMs, concurrency) {
  const before = (await stats(url)).events;
  const runId = `b${size}-${Date.now()}`;
  const t0 = performance.now();
  const batch = await load({ url: `${url}/v1/batch`, method: "POST", headers: auth, body: (i) => batchBody(runId, i, size), durationMs, concurrency });
  const accepted = batch.ok * size;
  let stored = 0;
  const deadline = performance.now() + 300_000;
  while (performance.now() < deadline) {
    stored = (await stats(url)).events - before;
    if (stored >= accepted) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return { batch, accepted, stored, storedSeconds: (performance.now() - t0) / 1000 };
}

export async function run({ url, durationMs = 10_000, concurrency = 10 }) {
  const health = await load({ url: `${url}/health`, durationMs, concurrency });
  const { batch, accepted, stored, storedSeconds } = await sendAndStore(url, EVENTS_PER_REQUEST, durationMs, concurrency);
  const large = await sendAndStore(url, LARGE_BATCH, durationMs, concurrency);
  return {
    largeAcceptedEventsPerSec: large.accepted / large.batch.seconds, largeStoredEventsPerSec: large.stored / large.storedSeconds,
    largeLost: large.accepted - large.stored,
    healthRps: health.rps, healthP50: health.p50,
    batchRps: batch.rps, batchP50: batch.p50, batchP95: batch.p95, batchFailed: batch.failed,
    acceptedEventsPerSec: accepted / batch.seconds,
    ratioToHealth: batch.rps / health.rps,
    eventsToHealth: accepted / batch.seconds / health.rps,
    accepted, stored, storedEventsPerSec: stored / storedSeconds, lost: accepted - stored,
  };
}

export function print(r) {
  console.log("\nIngest (/v1/batch, 20 events per request, 10 concurrent, keep-alive)");
  console.log(`  /health            ${r.healthRps.toFixed(0)} req/s (p50 ${r.healthP50.toFixed(1)} ms)`);
  console.log(`  /v1/batch          ${r.batchRps.toFixed(0)} req/s (p50 ${r.batchP50.toFixed(1)} ms, p95 ${r.batchP95.toFixed(1)} ms, ${r.batchFailed} failed)`);
  // The issue's target read two ways: requests against requests (the server's work per request,
  // the one we hold ourselves to), and accepted events/s against /health req/s, word for word.
  console.log(`  ratio to /health   ${r.ratioToHealth.toFixed(2)}x in requests/s  (target >= 0.8x)`);
  console.log(`  accepted           ${r.acceptedEventsPerSec.toFixed(0)} events/s = ${r.eventsToHealth.toFixed(2)}x /health req/s`);
  console.log(`  stored end to end  ${r.storedEventsPerSec.toFixed(0)} events/s  (${r.stored} of ${r.accepted} accepted stored; target >= 10,000/s)`);
  console.log(`  with ${LARGE_BATCH} per request  ${r.largeAcceptedEventsPerSec.toFixed(0)} accepted events/s, ${r.largeStoredEventsPerSec.toFixed(0)} stored events/s end to end (${r.largeLost} lost)`);
}
