// `npm start`: build the SDK and dashboard, start the worker locally with the demo site, and
// seed demo journeys the first time so the dashboard has something to show.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { DEMO, ROOT, startServer } from "./dev-server.mjs";

const port = Number(process.env.PORT ?? 8787);
if (!process.argv.includes("--no-build")) execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });

const server = await startServer({ port, logLevel: process.env.LOG_LEVEL ?? "info" });
const { url } = server;
process.on("SIGINT", () => server.stop().then(() => process.exit(0)));
process.on("SIGTERM", () => server.stop().then(() => process.exit(0)));
server.child.stdout?.pipe(process.stdout);
server.child.stderr?.pipe(process.stderr);

const overview = await fetch(`${url}/api/sites/demo/overview`, { headers: { authorization: `Bearer ${DEMO.site.readToken}` } });
const events = overview.ok ? (await overview.json()).events ?? 0 : 0;
const seed = path.join(ROOT, "scripts", "seed.mjs");
if (!events && existsSync(seed) && !process.argv.includes("--no-seed")) {
  console.log("Seeding demo journeys (first start)...");
  spawnSync(process.execPath, [seed, "--people", process.env.SEED_PEOPLE ?? "300", "--url", url], { cwd: ROOT, stdio: "inherit" });
  const { seedMarketing } = await import("./seed-marketing.mjs");
  console.log("Demo costs:", await seedMarketing({ url, adminToken: DEMO.adminToken }));
}

console.log(`
Parcours is running at ${url}
  Dashboard      ${url}/            (log in with the read token below, or the admin token)
  Script tag     <script defer src="${url}/s.js" data-key="${DEMO.site.writeKey}"></script>
  Demo site      ${DEMO.site.id}
  Write key      ${DEMO.site.writeKey}      (browsers: "writeKey" in the body)
  Secret key     ${DEMO.site.secretKey}     (servers: HTTP Basic user name)
  Read token     ${DEMO.site.readToken}     (Authorization: Bearer ...)
  Admin token    ${DEMO.adminToken}     (local only)
Press Ctrl+C to stop.`);
