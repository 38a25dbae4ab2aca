// Loads seed data through the bench-only bulk route (edge/src/ingest/bench-bulk.ts): the seed's own
// generator, the worker's own validate/enrich, archive and consumer code, without the public
// ingest's 100-message requests and the queue's hop. The server must run with PARCOURS_BENCH_BULK=1
// (bench/run.mjs starts it so for `read`).
import { generate, sendInBatches } from "../scripts/seed.mjs";

/**
 * @param {{ url: string, adminToken: string, site?: string, people: number, seed?: number, days?: number, batch?: number, inFlight?: number }} o
 * @returns {Promise<{ sent: number, stored: number, seconds: number }>}
 */
export async function bulkSeed({ url, adminToken, site = "demo", people, seed = 1, days = 60, batch = 1000, inFlight = 2 }) {
  const headers = { authorization: `Bearer ${adminToken}`, "content-type": "application/json" };
  const t0 = performance.now();
  let sent = 0;
  let stored = 0;
  const post = async (messages) => {
    const body = JSON.stringify({ batch: messages });
    let res;
    // A restarted worker (503) is asked again: storage keeps a message once, by its id.
    for (let attempt = 0; (res = await fetch(`${url}/api/admin/sites/${site}/bench/bulk`, { method: "POST", headers, body })).status === 503 && attempt < 5; attempt++) {
      console.warn(`bulk load: ${await res.text()} (retrying)`);
      await new Promise((r) => setTimeout(r, 2000));
    }
    if (!res.ok) throw new Error(`bulk load answered ${res.status}: ${await res.text()}`);
    const answer = await res.json();
    sent += answer.accepted;
    stored += answer.stored;
  };
  // The generator yields person by person, so a request holds a few hundred whole people (one
  // may straddle two requests, as a person's events straddle consumer batches).
  await sendInBatches(generate({ people, days, seed }), { size: batch, inFlight }, post);
  return { sent, stored, seconds: (performance.now() - t0) / 1000 };
}
