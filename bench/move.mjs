// Moving a site between databases (README, "Sites placed on databases"): how long the queue-driven
// copy takes for a seeded site, rows per second, and whether the answers read the same after.
// `npm run bench -- move`; BENCH_MOVE_PEOPLE (default 3000).
import { seed } from "../scripts/seed.mjs";
import { DEMO } from "../scripts/dev-server.mjs";
import { settled } from "./act.mjs";

const admin = { authorization: `Bearer ${DEMO.adminToken}`, "content-type": "application/json" };
const READS = ["/overview", "/channels", "/attribution", "/journeys/stats", "/event-names"];

async function answers(url, range) {
  const out = {};
  for (const path of READS) {
    out[path] = await (await fetch(`${url}/api/sites/demo${path}?${range}`, { headers: { authorization: `Bearer ${DEMO.site.readToken}` } })).text();
  }
  return out;
}

export async function run({ url, people = Number(process.env.BENCH_MOVE_PEOPLE ?? 3000) }) {
  await seed({ url, people });
  const stored = await settled(url);
  const site = await (await fetch(`${url}/api/admin/sites/demo`, { headers: admin })).json();
  const to = site.database === "DB" ? "SITE_DB_1" : "DB";
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  const range = `from=${day(Date.now() - 400 * 86_400_000)}&to=${day(Date.now() + 86_400_000)}`;
  const before = await answers(url, range);
  const t0 = performance.now();
  const started = await fetch(`${url}/api/admin/sites/demo/move`, { method: "POST", headers: admin, body: JSON.stringify({ database: to }) });
  if (started.status !== 202) throw new Error(`move: ${started.status} ${await started.text()}`);
  let state;
  for (;;) {
    state = await (await fetch(`${url}/api/admin/sites/demo/move`, { headers: admin })).json();
    if (["done", "cancelled", "failed"].includes(state.move.phase)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const seconds = (performance.now() - t0) / 1000;
  const rows = Object.values(state.move.rows).reduce((n, r) => n + r, 0);
  const switchedS = (state.move.switchedAt - state.move.startedAt) / 1000;
  const after = await answers(url, range);
  const same = READS.filter((p) => before[p] === after[p]).length;
  console.log(`\nMoving the demo site (${stored} events, ${rows} rows in ${Object.keys(state.move.rows).length} tables) ${site.database} -> ${to}: ` +
    `${state.move.phase}${state.move.error ? ` (${state.move.error})` : ""}; switched after ${switchedS.toFixed(1)} s ` +
    `(${(rows / switchedS).toFixed(0)} rows/s copied), old rows deleted after ${seconds.toFixed(1)} s; ${same} of ${READS.length} answers identical after`);
  console.table(Object.entries(state.move.rows).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).map(([table, n]) => ({ table, rows: n })));
}
