// Act on journeys: what one site's sweep costs (follow-up rules, risk crossings, conversions,
// alerts, digest; the per-step times the worker reports) at a seeded size, and how fast the queue
// delivers what it found to a local receiver. `npm run bench -- act`; BENCH_ACT_PEOPLE (default 5000).
import http from "node:http";
import { seed } from "../scripts/seed.mjs";
import { DEMO } from "../scripts/dev-server.mjs";

const admin = { authorization: `Bearer ${DEMO.adminToken}`, "content-type": "application/json" };

/** Events stored for the demo site (admin stats). */
export async function storedEvents(url) {
  return (await (await fetch(`${url}/api/admin/stats?site=demo`, { headers: admin })).json()).events;
}

/** Stored events once the queue has drained (two reads 2 s apart agree). */
export async function settled(url) {
  let stored = await storedEvents(url);
  for (let last = -1; stored !== last; ) {
    await new Promise((r) => setTimeout(r, 2000));
    last = stored;
    stored = await storedEvents(url);
  }
  return stored;
}

export async function run({ url, people = Number(process.env.BENCH_ACT_PEOPLE ?? 5000) }) {
  await seed({ url, people });
  await settled(url);
  let received = 0;
  let lastAt = 0;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => { received++; lastAt = performance.now(); res.writeHead(204).end(); });
  });
  await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
  const hook = `http://127.0.0.1:${receiver.address().port}/hook`;
  const post = (path, body) => fetch(`${url}/api/admin/sites/demo${path}`, { method: "POST", headers: admin, body: JSON.stringify(body) });
  await post("/webhooks", { url: hook, events: ["journey.stalled", "person.at_risk", "conversion", "alert", "digest"] });
  await post("/rules", { name: "quotes", started: "quote_requested", expected: "purchase", after: "3d" });
  await post("/rules", { name: "carts", started: "add_to_cart", expected: "purchase", after: "1d", channel: "email" });
  for (const alert of [{ metric: "events", period: "day", changePct: 1 }, { metric: "conversions", period: "week", above: 0 },
    { metric: "cpa", channel: "paid_search", period: "week", above: 0 }, { metric: "lcp_p75", period: "day", above: 1 }]) await post("/alerts", alert);
  // Conversions are sent from those stored after a destination takes them: a few more people now.
  await seed({ url, people: Math.ceil(people / 10), seed: 2 });
  const stored = await settled(url);

  const rows = [];
  for (const run of ["first (sends)", "second (nothing new)"]) {
    const t0 = performance.now();
    const res = await (await post("/maintenance", {})).json();
    const total = performance.now() - t0;
    const ms = Object.fromEntries(Object.entries(res.act.ms).map(([k, v]) => [`${k} ms`, v]));
    rows.push({ run, stored, "maintenance ms": Math.round(total), ...ms, "sent: stalled": res.act.stalledSent, "at risk": res.act.atRiskSent,
      conversions: res.act.conversionsSent, alerts: res.act.alertsSent, digests: res.act.digestsSent });
    if (run.startsWith("first")) {
      const expected = res.act.stalledSent + res.act.atRiskSent + res.act.conversionsSent + res.act.alertsSent + res.act.digestsSent;
      const until = performance.now() + 120_000;
      while (received < expected && performance.now() < until) await new Promise((r) => setTimeout(r, 100));
      const s = (lastAt - t0 - total) / 1000;
      console.log(`delivered ${received} of ${expected} to a local receiver, the last ${s.toFixed(1)} s after the sweep answered (${(received / Math.max(s, 0.001)).toFixed(0)} deliveries/s)`);
    }
  }
  receiver.close();
  console.log("\nAct sweep of one site (ms per step, as the worker timed them)");
  console.table(rows);
  return rows;
}
