// Nothing acknowledged is ever lost: under concurrent load the local server (wrangler + workerd)
// is killed with SIGKILL, restarted on the same state, and every message that got a 200 must be
// in D1 exactly once — the R2-first hand-off plus the idempotent replay are what make it so.
// Run with the site's traffic on one buffer object and spread over four (group commit on both).
import { afterAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT, startServer } from "../../scripts/dev-server.mjs";

const port = 8890 + Math.floor(Math.random() * 100);
const auth = { authorization: `Basic ${Buffer.from("demo-secret-key:").toString("base64")}`, "content-type": "application/json" };
let server: Awaited<ReturnType<typeof startServer>> | undefined;
afterAll(async () => server?.stop());

/** The demo site's stored message ids, read in the D1 database its record names (DB or SITE_DB_n). */
function storedIds(persistDir: string, database: string): Map<string, number> {
  const out = execFileSync(path.join(ROOT, "node_modules/.bin/wrangler"), ["d1", "execute", database, "--local", "--persist-to", persistDir, "--json",
    "--command", "SELECT message_id, count(*) AS n FROM events WHERE site_id = 'demo' AND message_id LIKE 'kill-%' GROUP BY message_id"],
  { cwd: ROOT, env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" }, maxBuffer: 64 * 1024 * 1024 }).toString();
  const rows = JSON.parse(out)[0].results as { message_id: string; n: number }[];
  return new Map(rows.map((r) => [r.message_id, r.n]));
}

describe.each([1, 4])("SIGKILL in the middle of a load, %i ingest shard(s)", (shards) => {
  it("stores every acknowledged message exactly once after restart and replay", async () => {
    const persistDir = mkdtempSync(path.join(tmpdir(), "parcours-kill-"));
    server = await startServer({ port, persistDir });
    const patched = await fetch(`${server.url}/api/admin/sites/demo`, { method: "PATCH",
      headers: { authorization: "Bearer dev-admin-token", "content-type": "application/json" }, body: JSON.stringify({ ingestShards: shards }) });
    expect(((await patched.json()) as { ingestShards: number }).ingestShards).toBe(shards);
    const acked = new Set<string>();
    let sent = 0;
    let stop = false;
    const sender = async (s: number) => {
      for (let i = 0; !stop; i++) {
        const ids = Array.from({ length: 20 }, (_, j) => `kill-${s}-${i}-${j}`);
        sent += ids.length;
        try {
          const res = await fetch(`${server!.url}/v1/batch`, { method: "POST", headers: auth,
            body: JSON.stringify({ batch: ids.map((messageId) => ({ type: "track", event: "load", userId: `u${s}`, messageId })) }) });
          if (res.status === 200 && (await res.json()).accepted === ids.length) ids.forEach((id) => acked.add(id));
        } catch {
          // the server is gone: this batch was never acknowledged
        }
      }
    };
    const senders = Array.from({ length: 8 }, (_, s) => sender(s));
    await new Promise((r) => setTimeout(r, 3000));
    await server.stop("SIGKILL");
    stop = true;
    await Promise.all(senders);
    expect(acked.size).toBeGreaterThan(500);

    server = await startServer({ port, persistDir });
    // Replay what the killed process had archived but not stored (no minimum age: it is dead).
    const replay = await fetch(`${server.url}/api/admin/replay?min_age_ms=0`, { method: "POST", headers: { authorization: "Bearer dev-admin-token" } });
    expect(replay.status).toBe(200);
    const replayed = await replay.json();
    const { database } = await (await fetch(`${server.url}/api/admin/sites/demo`, { headers: { authorization: "Bearer dev-admin-token" } })).json() as { database: string };
    const until = Date.now() + 60_000;
    let stored = new Map<string, number>();
    while (Date.now() < until) {
      const stats = await (await fetch(`${server.url}/api/admin/stats?site=demo`, { headers: { authorization: "Bearer dev-admin-token" } })).json();
      if (stats.events >= acked.size) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 1500)); // let any in-flight consumer batch finish
    await server.stop();
    server = undefined;
    stored = storedIds(persistDir, database);
    const missing = [...acked].filter((id) => !stored.has(id));
    expect(missing).toEqual([]);
    expect([...stored.values()].every((n) => n === 1)).toBe(true);
    console.log(`${shards} shard(s): sent ${sent}, acknowledged ${acked.size}, replayed batches ${replayed.replayed} of ${replayed.scanned}, stored ${stored.size} (each once)`);
  });
});
