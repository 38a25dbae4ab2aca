// Ingest before and after the journey store, in one run: stored events/s end to end (ingest ->
// buffer -> R2 + queue -> consumer -> D1, now with the journey state, journeys and day digests
// kept at write time) for this checkout and for the last commit before the journey store, which
// is checked out into a temporary git worktree, installed and built here. The two alternate, each
// on a fresh local state, so that both see the same load on the machine.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, startServer } from "../scripts/dev-server.mjs";
import { LARGE_BATCH, sendAndStore } from "./ingest.mjs";

/** The last commit before the journey store (migration 0004_journey_state). */
export const BEFORE = "ad67653";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run({ port, rounds = 3, durationMs = 10_000, ref = BEFORE }) {
  const dir = mkdtempSync(path.join(tmpdir(), "parcours-before-"));
  execFileSync("git", ["-C", ROOT, "worktree", "add", "--detach", dir, ref], { stdio: "ignore" });
  try {
    console.log(`\nIngest before (${ref}) and after the journey store: installing and building ${ref} in ${dir}`);
    execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: dir, stdio: "ignore" });
    execFileSync("npm", ["run", "build"], { cwd: dir, stdio: "ignore" });
    const before = await import(pathToFileURL(path.join(dir, "scripts", "dev-server.mjs")).href);
    const sides = [["before", before.startServer], ["now", startServer]];
    const rates = { before: [], now: [] };
    for (let round = 0; round < rounds; round++) {
      for (const [name, start] of sides) {
        const persistDir = mkdtempSync(path.join(tmpdir(), `parcours-ingest-${name}-`));
        const server = await start({ port, persistDir, cron: false });
        try {
          const r = await sendAndStore(server.url, LARGE_BATCH, durationMs, 10);
          if (r.stored < r.accepted) console.log(`  ${name}: ${r.accepted - r.stored} of ${r.accepted} accepted events not stored within the wait`);
          rates[name].push(r.stored / r.storedSeconds);
        } finally {
          await server.stop();
          rmSync(persistDir, { recursive: true, force: true });
        }
      }
    }
    const b = median(rates.before);
    const n = median(rates.now);
    console.table([{
      "stored ev/s before (median)": Math.round(b), "stored ev/s now (median)": Math.round(n), "now / before": +(n / b).toFixed(2),
      rounds, "each round (before | now)": rates.before.map((x, i) => `${Math.round(x)} | ${Math.round(rates.now[i])}`).join(", "),
    }]);
    console.log(`  ${LARGE_BATCH} events per request, 10 concurrent, ${durationMs / 1000} s of sending per round; target: now / before >= 0.90`);
    return { before: b, now: n };
  } finally {
    execFileSync("git", ["-C", ROOT, "worktree", "remove", "--force", dir], { stdio: "ignore" });
  }
}
