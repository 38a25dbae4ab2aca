// `npm test`: build what the worker serves, then every test — inside workerd (units of edge/ and
// integration through the real worker, D1, R2, queue), then in Node (SDK units, e2e in Chromium).
import { spawnSync } from "node:child_process";
import { ROOT } from "./dev-server.mjs";

const run = (cmd, args) => {
  console.log(`\n> ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } });
  return r.status ?? 1;
};

const filter = process.argv.slice(2);
const steps = [
  () => run("npm", ["run", "build"]),
  () => run("npx", ["tsc", "-p", "edge/tsconfig.json"]),
  () => run("npx", ["vitest", "run", "--config", "vitest.workers.config.ts", ...filter]),
  () => run("npx", ["vitest", "run", "--config", "vitest.node.config.ts", ...filter]),
];
let failed = 0;
for (const step of steps) if (step() !== 0) failed++;
process.exit(failed ? 1 : 0);
