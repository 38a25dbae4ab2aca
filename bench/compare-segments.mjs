// What compare and segments cost (issue 14): the same questions plain, with `compare=previous`,
// with `segment=ID` and with both, cold (the first answer after a stored event, so no kept answer
// helps) and warm, against a worker holding the demo journeys. Prints times and ratios to plain.
// Standalone: `node bench/compare-segments.mjs [--url http://127.0.0.1:8787] [--people 3000]`.
import { pathToFileURL } from "node:url";
import { seed } from "../scripts/seed.mjs";
import { DEMO } from "../scripts/dev-server.mjs";
import { settled, storedEvents } from "./act.mjs";
import { storeOnePing } from "./read.mjs";

const QUESTIONS = ["/overview", "/timeseries?interval=day", "/attribution?group_by=channel", "/funnel?steps=view_product,add_to_cart,purchase", "/paths?to=purchase"];
const SEGMENTS = [
  ["first touch email", { firstTouchChannel: "email" }],
  ["did purchase, identified", { did: "purchase", identified: true }],
  ["high value", { highValue: true }],
];

const headers = { authorization: `Bearer ${DEMO.site.readToken}` };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(url, path) {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/sites/demo${path}`, { headers });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  return performance.now() - t0;
}

export async function run({ url, people = 3000, rounds = 3, warmRuns = 10 }) {
  if ((await storedEvents(url)) < people * 10) {
    await seed({ url, key: DEMO.site.secretKey, people });
    await settled(url);
  }
  const segments = [];
  for (const [name, filter] of SEGMENTS) {
    const res = await fetch(`${url}/api/sites/demo/segments`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ name, filter }) });
    segments.push({ name, id: (await res.json()).id });
  }
  const rows = [];
  for (const q of QUESTIONS) {
    const sep = q.includes("?") ? "&" : "?";
    const variants = [["plain", q], ["compare=previous", `${q}${sep}compare=previous`],
      ...segments.flatMap((s) => [[`segment: ${s.name}`, `${q}${sep}segment=${s.id}`], [`segment + compare: ${s.name}`, `${q}${sep}segment=${s.id}&compare=previous`]])];
    let plainCold = 0;
    for (const [variant, path] of variants) {
      const cold = [];
      for (let i = 0; i < rounds; i++) {
        await storeOnePing(url, "demo", headers, DEMO.site.secretKey);
        cold.push(await timed(url, path));
      }
      const warm = [];
      for (let i = 0; i < warmRuns; i++) warm.push(await timed(url, path));
      if (variant === "plain") plainCold = median(cold);
      rows.push({ question: q, variant, "cold p50 ms": Math.round(median(cold)), "x plain (cold)": (median(cold) / plainCold).toFixed(2), "warm p50 ms": Math.round(median(warm)) });
    }
  }
  const { people: inRange } = await (await fetch(`${url}/api/sites/demo/overview`, { headers })).json();
  console.log(`\nCompare and segments: ${await stored(url)} stored events, ${inRange} people in the default range; cold = first answer after a write (${rounds} rounds)`);
  console.table(rows);
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const opt = (name, fallback) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : fallback);
  await run({ url: opt("url", "http://127.0.0.1:8787"), people: Number(opt("people", 3000)) });
}
