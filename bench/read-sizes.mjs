// Read API latency at several data sizes (100k and 1M stored events by default): load demo journeys
// up to each size (through the bench-only bulk route, or the public ingest), then run
// bench/read.mjs, and print the growth ratios.
import { seed } from "../scripts/seed.mjs";
import { DEMO } from "../scripts/dev-server.mjs";
import * as read from "./read.mjs";
import * as storage from "./storage.mjs";
import { bulkSeed } from "./bulk-load.mjs";
import { storedEvents } from "./act.mjs";

const EVENTS_PER_PERSON = 17.4; // what the seed generator produces on average

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

/** Loads about `target - have` more events through the bulk route (stored when it answers), and says how fast it went. */
async function bulkTo(url, target, firstSeed, persistDir) {
  const have = await storedEvents(url);
  const people = Math.max(0, Math.round((target - have) / EVENTS_PER_PERSON));
  const r = people ? await bulkSeed({ url, adminToken: DEMO.adminToken, people, seed: firstSeed * 1000 }) : { sent: 0, stored: 0, seconds: 0 };
  const stored = await storedEvents(url);
  const mb = (b) => `${(b / 1e6).toFixed(0)} MB (${(b / stored).toFixed(0)} B per stored event)`;
  console.log(`bulk loaded ${r.sent} events (${r.stored} stored) in ${r.seconds.toFixed(0)} s: ${(r.sent / Math.max(r.seconds, 0.001)).toFixed(0)} events/s `
    + `through the pipeline (validate, enrich, archive, store, journey state); ${stored} stored`
    + (persistDir ? `; on disk: D1 file ${mb(storage.d1Bytes(persistDir))}, R2 archive ${mb(storage.archiveBytes(persistDir) ?? 0)}` : ""));
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

export async function run({ url, sizes = [100_000, 1_000_000], persistDir, bulk = false, age = true }) {
  const results = [];
  for (const [i, size] of sizes.entries()) {
    const events = bulk ? await bulkTo(url, size, i + 1, persistDir) : await growTo(url, size, i + 1);
    results.push({ events, ...(await read.run({ url })) });
    if (persistDir) storage.print(`at ${Math.round(events / 1000)}k`, storage.tableBytes(persistDir), events);
  }
  if (persistDir && age) await ageAll(url, persistDir, results.at(-1).events);
  if (results.length >= 2) {
    const label = (r) => `${Math.round(r.events / 1000)}k`;
    console.log(`\nGrowth over ${results.map(label).join(", ")} stored events:`);
    console.table(results[0].rows.map((row, i) => Object.fromEntries([
      ["endpoint", row.endpoint],
      ...results.map((r) => [`cold p50 ms @${label(r)}`, Math.round(r.rows[i].coldP50)]),
      ...results.slice(1).map((r, k) => [`ratio ${label(results[k])}->${label(r)}`, +(r.rows[i].coldP50 / results[k].rows[i].coldP50).toFixed(2)]),
      [`warm p95 ms @${label(results.at(-1))}`, Math.round(results.at(-1).rows[i].p95)],
    ])));
  }
  return results;
}
