// Starts the real worker locally (wrangler dev -> workerd, local D1/R2/queues under persistDir),
// applies the D1 migrations and seeds the demo site of API.md. Used by `npm start`, the e2e tests
// and the benchmarks, so all three run exactly the same thing.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const WRANGLER = path.join(ROOT, "node_modules", ".bin", "wrangler");
const CRON = "*/5 * * * *"; // wrangler.toml [triggers]

/** The local defaults of API.md — never used by a deployed worker. */
export const DEMO = {
  adminToken: process.env.PARCOURS_ADMIN_TOKEN ?? "dev-admin-token",
  site: {
    id: "demo",
    name: "Demo shop",
    writeKey: "demo-write-key",
    secretKey: "demo-secret-key",
    readToken: "demo-read-token",
    allowedOrigins: ["http://localhost:*", "http://127.0.0.1:*"],
    conversions: ["purchase"],
    stages: {
      page_view: "discovery", view_product: "discovery", email_opened: "discovery",
      add_to_cart: "consideration", quote_requested: "consideration", email_clicked: "consideration", store_visit: "consideration",
      checkout_started: "decision", purchase: "decision",
      ticket_opened: "service", call_support: "service", chat_started: "service",
      feedback: "loyalty", repeat_purchase: "loyalty", unsubscribe: "loyalty",
    },
    redirectHosts: ["shop.example", "localhost", "127.0.0.1"],
  },
};

const quietEnv = () => ({
  ...process.env,
  CI: "true", // answers wrangler's confirmation prompt when applying migrations
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  NO_COLOR: "1",
});

/** The D1 bindings wrangler.toml declares: DB, then SITE_DB_1..n (each site's data lives in one). */
export function d1Bindings(toml = readFileSync(path.join(ROOT, "wrangler.toml"), "utf8")) {
  return [...toml.matchAll(/^\[\[d1_databases\]\]\s*\nbinding\s*=\s*"([^"]+)"/gm)].map((m) => m[1]);
}

/** Every database gets every migration: the catalog's and the site tables exist in each. */
export function applyMigrations(persistDir) {
  for (const binding of d1Bindings()) {
    execFileSync(WRANGLER, ["d1", "migrations", "apply", binding, "--local", "--persist-to", persistDir], {
      cwd: ROOT, env: quietEnv(), stdio: ["ignore", "pipe", "pipe"],
    });
  }
}

async function waitForHealth(url, child, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the worker did not answer ${url}/health within ${timeoutMs} ms`);
}

export async function seedDemoSite(url, adminToken = DEMO.adminToken) {
  const auth = { authorization: `Bearer ${adminToken}`, "content-type": "application/json" };
  const existing = await fetch(`${url}/api/admin/sites/${DEMO.site.id}`, { headers: auth });
  if (existing.ok) return false;
  const res = await fetch(`${url}/api/admin/sites`, { method: "POST", headers: auth, body: JSON.stringify(DEMO.site) });
  if (res.status !== 201) throw new Error(`seeding the demo site failed: ${res.status} ${await res.text()}`);
  return true;
}

/**
 * @param {{ port?: number, persistDir?: string, logLevel?: string, inherit?: boolean, vars?: Record<string,string>, cron?: boolean }} opts
 * @returns {Promise<{ url: string, stop: () => Promise<void>, child: import("node:child_process").ChildProcess }>}
 */
export async function startServer({ port: basePort = 8787, persistDir = path.join(ROOT, ".wrangler", "state"), logLevel = "warn", inherit = false, vars = {}, cron = true } = {}) {
  // Several checkouts testing on one machine each take their own block of the fixed test ports.
  const port = basePort + Number(process.env.PARCOURS_PORT_OFFSET ?? 0);
  if (!existsSync(path.join(ROOT, "edge", "public", "s.js"))) {
    console.warn("edge/public/s.js is missing: run `npm run build` first (npm start and npm test do)");
  }
  // A server left on the port would answer /health for us and hide a failed start.
  if (await fetch(`http://127.0.0.1:${port}/health`).then(() => true, () => false)) {
    throw new Error(`port ${port} is already in use (PORT overrides it)`);
  }
  applyMigrations(persistDir);
  // PARCOURS_LOCAL marks the local stack (webhooks may go to http://127.0.0.1:*); a deployed worker lacks it.
  const allVars = { PARCOURS_ADMIN_TOKEN: DEMO.adminToken, PARCOURS_LOCAL: "1", ...vars };
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persistDir, "--log-level", logLevel,
    "--test-scheduled", "--show-interactive-dev-session=false",
    // Its own inspector port too: the default 9229 is taken by any other wrangler dev on the machine.
    "--inspector-port", String(port + 20000), ...Object.entries(allVars).flatMap(([k, v]) => ["--var", `${k}:${v}`])];
  // Start the wrangler binary itself (not npx), so stopping this PID stops workerd too.
  const child = spawn(WRANGLER, args, { cwd: ROOT, env: quietEnv(), stdio: inherit ? "inherit" : ["ignore", "pipe", "pipe"], detached: true });
  let log = "";
  if (!inherit) for (const s of [child.stdout, child.stderr]) s.on("data", (d) => { log = (log + d).slice(-20_000); });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, child, 60_000);
  } catch (e) {
    try { process.kill(-child.pid, "SIGKILL"); } catch { /* already gone */ }
    throw new Error(`${e.message}\n${log}`);
  }
  await seedDemoSite(url, allVars.PARCOURS_ADMIN_TOKEN);
  // wrangler dev never fires crons by itself: tick the scheduled handler as Cloudflare would, so
  // the replay sweep and retention run locally too.
  const tick = () => fetch(`${url}/__scheduled?cron=${encodeURIComponent(CRON)}`).catch(() => {});
  const timer = cron ? setInterval(tick, 5 * 60_000) : undefined;
  timer?.unref();
  if (cron) await tick();
  const stop = async (signal = "SIGTERM") => {
    clearInterval(timer);
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    try { process.kill(-child.pid, signal); } catch { /* already gone */ }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) try { process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ }
  };
  return { url, stop, child, log: () => log };
}
