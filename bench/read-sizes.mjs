// Read API latency at two data sizes (100k and 1M stored events by default): seed demo journeys
// through the public ingest up to each size, then run bench/read.mjs, and print the growth ratio.
import { seed } from "../scripts/seed.mjs";
import { DEMO } from "../scripts/dev-server.mjs";
import * as read from "./read.mjs";

const EVENTS_PER_PERSON = 17.4; // what the seed generator produces on average

async function storedEvents(url) {
  const r = await fetch(`${url}/api/admin/stats?site=demo`, { headers: { authorization: `Bearer ${DEMO.adminToken}` } });
  return (await r.json()).events;
}

/** Seeds until about `target` events are stored, then waits for the queue to drain. */
async function growTo(url, target, firstPerson) {
  const have = await storedEvents(url);
  const people = Math.max(0, Math.round((target - have) / EVENTS_PER_PERSON));
  const t0 = performance.now();
  // Distinct seeds per step, so the second step adds new people rather than repeating the first.
  const sent = people ? await seed({ url, people, seed: firstPerson }) : { sent: 0 };
  let stored = await storedEvents(url);
  for (let last = -1; stored !== last; ) {
    await new Promise((r) => setTimeout(r, 2000));
    last = stored;
    stored = await storedEvents(url);
  }
  const s = (performance.now() - t0) / 1000;
  console.log(`seeded ${sent.sent} events in ${s.toFixed(0)} s (${(sent.sent / s).toFixed(0)} stored events/s end to end); ${stored} stored`);
  return stored;
}

export async function run({ url, sizes = [100_000, 1_000_000] }) {
  const results = [];
  for (const [i, size] of sizes.entries()) {
    const events = await growTo(url, size, i + 1);
    results.push({ events, ...(await read.run({ url })) });
  }
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
