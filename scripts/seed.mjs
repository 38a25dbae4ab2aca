// `npm run seed -- --people N [--url http://127.0.0.1:8787] [--days 60] [--key demo-secret-key] [--seed 1]`
// Realistic omnichannel journeys, the same for the same seed: web visits from ads, newsletters,
// social and search, e-mail opens, calls, store visits and chats, products, carts, quotes,
// purchases, tickets, feedback, unsubscribes and web vitals, with anonymous visitors identified
// across devices. Sent through the public ingest like any back-office source (HTTP Basic with the
// secret key, which may backfill), in batches of 100, several in flight.
import { pathToFileURL } from "node:url";

const DAY = 86_400_000;
const MIN = 60_000;

/** mulberry32: a small, fast, seedable PRNG (public domain, Tommy Ettinger). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WEB = [
  // [weight, how the visit arrives]
  [22, { campaign: { source: "google", medium: "cpc", name: "brand" } }],
  [8, { campaign: { source: "google", medium: "cpc", name: "generic" } }],
  [14, { campaign: { source: "newsletter", medium: "email", name: "weekly" } }],
  [10, { campaign: { source: "facebook", medium: "social", name: "retargeting" } }],
  [18, { referrer: "https://www.google.com/" }],
  [6, { referrer: "https://www.bing.com/" }],
  [5, { referrer: "https://blog.example/review" }],
  [17, {}],
];
const OFFLINE = [
  [30, ["email", "email_opened"]],
  [15, ["email", "email_clicked"]],
  [20, ["phone", "call"]],
  [15, ["store", "store_visit"]],
  [20, ["chat", "chat_started"]],
];
const PRODUCTS = ["/p/sofa", "/p/lamp", "/p/table", "/p/chair", "/p/rug", "/p/shelf"];
const PAGES = ["/", "/pricing", "/about", "/blog/guide", ...PRODUCTS];
const COUNTRIES = [[40, "FR"], [20, "DE"], [15, "GB"], [15, "US"], [10, "ES"]];
const AGENTS = [
  [55, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"],
  [35, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"],
  [10, "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"],
];
const VITALS = [["LCP", 2500, 4000, 2200], ["INP", 200, 500, 180], ["CLS", 0.1, 0.25, 0.08], ["FCP", 1800, 3000, 1500], ["TTFB", 800, 1800, 600]];

/** One person's messages, oldest first. */
function personMessages(rand, index, { now, days, seed }) {
  const pick = (table) => {
    let r = rand() * table.reduce((n, [w]) => n + w, 0);
    for (const [w, v] of table) if ((r -= w) < 0) return v;
    return table[table.length - 1][1];
  };
  const id = `${seed}-${index}`;
  const userId = `user-${id}`;
  const country = pick(COUNTRIES);
  const devices = [`anon-${id}-a`, ...(rand() < 0.3 ? [`anon-${id}-b`] : [])].map((anonymousId) => ({ anonymousId, userAgent: pick(AGENTS) }));
  const msgs = [];
  let n = 0;
  const push = ({ ts, ...m }) => {
    if (ts < now) msgs.push({ messageId: `seed-${id}-${n++}`, ...m, timestamp: new Date(ts).toISOString() });
  };
  let t = now - days * DAY + Math.floor(rand() * (days - 1) * DAY);
  let identified = false;
  let quoted = false;
  const sessions = 1 + Math.floor(-Math.log(1 - rand()) * 3);
  for (let s = 0; s < sessions && t < now - 10 * MIN; s++) {
    const device = devices[Math.floor(rand() * devices.length)];
    const web = !identified || rand() < 0.65;
    if (!web) {
      // Back-office touchpoints know the customer by their userId.
      const [channel, event] = pick(OFFLINE);
      push({ type: "track", event, userId, ts: t, context: { channel, location: { country } }, properties: event === "call" ? { minutes: 1 + Math.floor(rand() * 20) } : {} });
      if (channel !== "email" && rand() < 0.25) push({ type: "track", event: "purchase", userId, ts: t + 5 * MIN, context: { channel, location: { country } }, properties: { revenue: Math.round(50 + rand() * 950) } });
      if (channel === "phone" && rand() < 0.3) push({ type: "track", event: "ticket_opened", userId, ts: t + 6 * MIN, context: { channel } });
    } else {
      const arrival = pick(WEB);
      const ids = { anonymousId: device.anonymousId, ...(identified ? { userId } : {}) };
      const context = (path, extra = {}) => ({
        userAgent: device.userAgent, location: { country }, ...extra,
        page: { path, url: `https://shop.example${path}`, ...(extra.referrer ? { referrer: extra.referrer } : {}) },
      });
      const views = 1 + Math.floor(rand() * 5);
      let at = t;
      for (let v = 0; v < views; v++, at += Math.floor(rand() * 3 * MIN) + 20_000) {
        const path = v === 0 ? (arrival.campaign ? "/" : PAGES[Math.floor(rand() * PAGES.length)]) : PAGES[Math.floor(rand() * PAGES.length)];
        push({ type: "page", ...ids, ts: at, context: context(path, v === 0 ? { campaign: arrival.campaign, referrer: arrival.referrer } : {}), properties: { path } });
        if (rand() < 0.35) {
          const [name, good, poor, typical] = VITALS[Math.floor(rand() * VITALS.length)];
          const value = typical * (0.3 + rand() * rand() * 3);
          push({ type: "track", event: "web_vital", ...ids, ts: at + 1000, context: context(path), properties: { name, value, rating: value <= good ? "good" : value <= poor ? "needs-improvement" : "poor", path } });
        }
        if (path.startsWith("/p/")) {
          push({ type: "track", event: "view_product", ...ids, ts: at + 2000, context: context(path), properties: { sku: path.slice(3) } });
          if (rand() < 0.3) push({ type: "track", event: "add_to_cart", ...ids, ts: at + 30_000, context: context(path), properties: { sku: path.slice(3) } });
        }
      }
      if (!quoted && rand() < 0.12) {
        quoted = true;
        push({ type: "track", event: "quote_requested", ...ids, ts: at, context: context("/quote"), properties: {} });
      }
      if ((quoted || rand() < 0.5) && !identified && rand() < 0.5) {
        identified = true;
        push({ type: "identify", anonymousId: device.anonymousId, userId, ts: at + 1000, context: context("/account"), traits: { email: `${userId}@mail.example` } });
      }
      if (rand() < 0.04 + 0.03 * s) {
        push({ type: "track", event: "purchase", ...ids, ...(identified ? { userId } : {}), ts: at + 2000, context: context("/checkout"), properties: { revenue: Math.round(20 + rand() * 480) } });
      }
    }
    if (identified && rand() < 0.05) push({ type: "track", event: "feedback", userId, ts: t + 20 * MIN, context: { channel: pick([[3, "email"], [1, "phone"], [1, "store"]]) }, properties: feedback(rand) });
    if (identified && rand() < 0.02) push({ type: "track", event: "unsubscribe", userId, ts: t + 30 * MIN, context: { channel: "email" }, properties: {} });
    t += Math.floor((0.5 + rand() * 6) * DAY);
  }
  return msgs;
}

const COMMENTS = ["Quick delivery, thanks", "The call centre kept me waiting", "Great advice in store", "Checkout was confusing", "Would buy again"];

/** A survey answer on each kind's own scale (NPS 0-10, CSAT 1-5, CES 1-7), sometimes with a comment. */
function feedback(rand) {
  const r = rand();
  const kind = r < 0.5 ? "nps" : r < 0.8 ? "csat" : "ces";
  const [lo, hi] = { nps: [0, 10], csat: [1, 5], ces: [1, 7] }[kind];
  // Skewed towards the top, as real answers are.
  const score = Math.round(lo + (hi - lo) * Math.sqrt(rand()));
  return { kind, score, ...(rand() < 0.3 ? { comment: COMMENTS[Math.floor(rand() * COMMENTS.length)] } : {}) };
}

/**
 * Posts `messages` in batches of `size` through `post`, at most `inFlight` batches in flight, and
 * resolves once every batch is answered (the first failure rejects).
 */
export async function sendInBatches(messages, { size, inFlight }, post) {
  const pending = new Set();
  let batch = [];
  const flush = async () => {
    const p = post(batch).finally(() => pending.delete(p));
    pending.add(p);
    batch = [];
    if (pending.size >= inFlight) await Promise.race(pending);
  };
  for (const m of messages) {
    batch.push(m);
    if (batch.length >= size) await flush();
  }
  if (batch.length) await flush();
  await Promise.all(pending);
}

/** Every person's messages, person by person, deterministic for a seed and a `now`. */
export function* generate({ people, days = 60, seed = 1, now = Date.now() }) {
  const rand = prng(seed);
  for (let i = 0; i < people; i++) yield* personMessages(rand, i, { now, days, seed });
}

/**
 * Sends the generated messages to `url` and resolves to what went out.
 * @returns {Promise<{ sent: number, rejected: number, seconds: number, eventsPerSecond: number }>}
 */
export async function seed({ url = "http://127.0.0.1:8787", key = "demo-secret-key", people = 1000, days = 60, seed: s = 1, now = Date.now(), inFlight = 8 } = {}) {
  const headers = { authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}`, "content-type": "application/json" };
  const started = performance.now();
  let sent = 0;
  let rejected = 0;
  const post = async (batch) => {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${url}/v1/batch`, { method: "POST", headers, body: JSON.stringify({ batch }) }).catch((e) => ({ ok: false, status: 0, text: async () => String(e) }));
      if (res.ok) {
        const body = await res.json();
        sent += body.accepted;
        rejected += body.rejected.length;
        if (body.rejected.length && rejected === body.rejected.length) console.warn("rejected:", JSON.stringify(body.rejected[0]));
        return;
      }
      // 429 and network hiccups are retried with a backoff; anything else is a bug worth stopping for.
      if ((res.status !== 429 && res.status !== 0 && res.status < 500) || attempt >= 5) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
      await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
    }
  };
  await sendInBatches(generate({ people, days, seed: s, now }), { size: 100, inFlight }, post);
  const seconds = (performance.now() - started) / 1000;
  return { sent, rejected, seconds, eventsPerSecond: sent / seconds };
}

function args(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, "");
    if (!["people", "url", "days", "key", "seed"].includes(name) || argv[i + 1] === undefined) throw new Error(`unknown or empty option ${argv[i]}`);
    out[name] = ["people", "days", "seed"].includes(name) ? Number(argv[i + 1]) : argv[i + 1];
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const opts = args(process.argv.slice(2));
  const r = await seed(opts);
  console.log(`sent ${r.sent} events (${r.rejected} rejected) in ${r.seconds.toFixed(1)} s: ${Math.round(r.eventsPerSecond)} events/s`);
}
