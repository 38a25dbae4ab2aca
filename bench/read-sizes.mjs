// Read API latency at two data sizes (100k and 1M stored events by default): seed demo journeys
// through the public ingest up to each size, then run bench/read.mjs, and print the growth ratio.
import { seed } from "../scripts/seed.mjs";
import { DEMO } from "../scripts/dev-server.mjs";
import * as read from "./read.mjs";
import * as storage from "./storage.mjs";

const EVENTS_PER_PERSON = 17.4; // what the seed generator produces on average

async function storedEvents(url) {
  const r = await fetch(`${url}/api/admin/stats?site=demo`, { headers: { authorization: `Bearer ${DEMO.adminToken}` } });
  return (await r.json()).events;
}

/**
 * Waits until `want` events are stored. Locally the queue sometimes holds a few batches back for
 * good (miniflare's broker, under a backlog); after 15 s without progress this asks for the replay
 * sweep the cron runs every few minutes, which re-enqueues archived batches never stored.
 */
async function drained(url, want) {
  const admin = { authorization: `Bearer ${DEMO.adminToken}` };
  let stored = await storedEvents(url);
  for (let last = stored, still = 0; stored < want && still < 120; ) {
    await new Promise((r) => setTimeout(r, 1000));
    stored = await storedEvents(url);
    still = stored === last ? still + 1 : 0;
    last = stored;
    if (still > 0 && still % 15 === 0) {
      const r = await (await fetch(`${url}/api/admin/replay?site=demo&hours=2&min_age_ms=10000`, { method: "POST", headers: admin })).json();
      console.log(`queue stalled at ${stored} of ${want} stored: replayed ${r.replayed} of ${r.scanned} archived batches`);
    }
  }
  return stored;
}

// Sent in steps, each drained before the next: locally one workerd thread runs the ingest, the
// buffer objects and the queue, and a backlog of hundreds of thousands of queued events starves
// the queue's deliveries (seen at 35k-200k stored with everything sent at once).
const STEP_PEOPLE = 3000;

/** Seeds until about `target` events are stored. */
async function growTo(url, target, firstSeed) {
  const have = await storedEvents(url);
  let people = Math.max(0, Math.round((target - have) / EVENTS_PER_PERSON));
  const t0 = performance.now();
  let sent = 0;
  let stored = have;
  // Distinct seeds per step, so each step adds new people rather than repeating one.
  for (let step = 0; people > 0; step++) {
    const n = Math.min(STEP_PEOPLE, people);
    sent += (await seed({ url, people: n, seed: firstSeed * 1000 + step })).sent;
    people -= n;
    stored = await drained(url, have + sent);
  }
  const s = (performance.now() - t0) / 1000;
  console.log(`seeded ${sent} events in ${s.toFixed(0)} s (${(sent / s).toFixed(0)} stored events/s end to end); ${stored} stored`);
  return stored;
}

/**
 * Ages every raw event out (rawRetentionDays 1, the seed's events being days old), then prints
 * what D1 keeps long-term, and one journey answer before and after (it must not change).
 */
async function ageAll(url, persistDir, events) {
  const admin = { authorization: `Bearer ${DEMO.adminToken}`, "content-type": "application/json" };
  const get = async (p) => (await fetch(`${url}/api/sites/demo${p}`, { headers: { authorization: "Bearer demo-read-token" } })).text();
  const question = "/attribution?group_by=channel&from=2000-01-01";
  const before = await get(question);
  await fetch(`${url}/api/admin/sites/demo`, { method: "PATCH", headers: admin, body: JSON.stringify({ rawRetentionDays: 1 }) });
  const t0 = performance.now();
  const aged = await (await fetch(`${url}/api/admin/sites/demo/maintenance`, { method: "POST", headers: admin })).json();
  console.log(`\nraw ageing: ${aged.rawEventsDeleted} raw events and ${aged.sessionsDeleted} sessions left D1 in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`the same attribution answer after ageing: ${(await get(question)) === before ? "yes" : "NO"}`);
  storage.print("after raw ageing", storage.tableBytes(persistDir), events);
}

export async function run({ url, sizes = [100_000, 1_000_000], persistDir }) {
  const results = [];
  for (const [i, size] of sizes.entries()) {
    const events = await growTo(url, size, i + 1);
    results.push({ events, ...(await read.run({ url })) });
    if (persistDir) storage.print(`at ${Math.round(events / 1000)}k`, storage.tableBytes(persistDir), events);
  }
  if (persistDir) await ageAll(url, persistDir, results.at(-1).events);
  if (results.length === 2) {
    const [a, b] = results;
    console.log(`\nGrowth from ${a.events} to ${b.events} stored events (${(b.events / a.events).toFixed(1)}x data):`);
    console.table(a.rows.map((r, i) => ({
      endpoint: r.endpoint,
      [`cold p50 ms @${Math.round(a.events / 1000)}k`]: Math.round(r.coldP50),
      [`cold p50 ms @${Math.round(b.events / 1000)}k`]: Math.round(b.rows[i].coldP50),
      "cold ratio": +(b.rows[i].coldP50 / r.coldP50).toFixed(2),
      [`warm p95 ms @${Math.round(b.events / 1000)}k`]: Math.round(b.rows[i].p95),
    })));
  }
  return results;
}
