// `npm run history`: SQL over the site's full archive, run by DuckDB (the pinned @duckdb/node-api)
// on rows read from a real started worker through the admin history route.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEMO, ROOT, startServer } from "../../scripts/dev-server.mjs";

let server: Awaited<ReturnType<typeof startServer>> | undefined;
const auth = { authorization: `Basic ${Buffer.from(`${DEMO.site.secretKey}:`).toString("base64")}`, "content-type": "application/json" };
const admin = { authorization: `Bearer ${DEMO.adminToken}` };
const DAY = 86_400_000;
const now = Date.now();
const iso = (t: number) => new Date(t).toISOString();

// Two months, three channels, one person across phone and web (and a bot, which is no event).
const sent = [
  { type: "page", anonymousId: "a1", messageId: "cli-1", timestamp: iso(now - 40 * DAY), context: { channel: "web" } },
  { type: "page", anonymousId: "a2", messageId: "cli-2", timestamp: iso(now - 40 * DAY), context: { channel: "web" } },
  { type: "track", event: "email_opened", userId: "ada", messageId: "cli-3", timestamp: iso(now - 35 * DAY), context: { channel: "email" } },
  { type: "track", event: "call_support", userId: "ada", messageId: "cli-4", timestamp: iso(now - 2 * DAY), context: { channel: "phone" } },
  { type: "track", event: "purchase", userId: "ada", messageId: "cli-5", timestamp: iso(now - DAY), context: { channel: "web" }, properties: { revenue: 80 } },
  { type: "page", anonymousId: "bot", messageId: "cli-bot", context: { userAgent: "Googlebot/2.1 (+http://www.google.com/bot.html)" } },
];

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts/history.mjs"), ...args], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, PARCOURS_URL: server!.url, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  server = await startServer({ port: 8796, persistDir: mkdtempSync(path.join(tmpdir(), "parcours-history-")), cron: false });
  const res = await fetch(`${server.url}/v1/batch`, { method: "POST", headers: auth, body: JSON.stringify({ batch: sent }) });
  expect((await res.json()).accepted).toBe(sent.length);
  // The buffer flushes to the archive a moment after the 200.
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    const text = await (await fetch(`${server.url}/api/admin/sites/demo/history`, { headers: admin })).text();
    if (text.split("\n").filter(Boolean).length >= 5) break;
    await new Promise((r) => setTimeout(r, 200));
  }
});
afterAll(async () => server?.stop());

describe("npm run history", () => {
  it("runs the README's query and prints a table", () => {
    const r = cli(["--site", "demo", "SELECT channel, count(*) AS n FROM events GROUP BY 1 ORDER BY 1"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^channel\s+n$/);
    expect(lines.slice(2, 5).map((l) => l.split(/\s+/))).toEqual([["email", "1"], ["phone", "1"], ["web", "3"]]);
    expect(lines.at(-1)).toBe("(3 rows)");
  });

  it("answers --json: channel mix per month and one person's events, with typed columns", () => {
    const months = cli(["--json", "SELECT strftime(date_trunc('month', ts), '%Y-%m') AS month, channel, count(DISTINCT message_id) AS n FROM events GROUP BY 1, 2 ORDER BY 1, 2"]);
    expect(months.status).toBe(0);
    const rows = JSON.parse(months.stdout) as { month: string; channel: string; n: string | number }[];
    const expected = new Map<string, number>();
    for (const m of sent.filter((m) => m.anonymousId !== "bot")) {
      const k = `${m.timestamp!.slice(0, 7)}|${m.context.channel}`;
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    expect(rows.length).toBeGreaterThan(0);
    expect(new Map(rows.map((r) => [`${r.month}|${r.channel}`, Number(r.n)]))).toEqual(expected);

    const ada = cli(["--json", "SELECT message_id, event, channel, revenue FROM events WHERE user_id = 'ada' ORDER BY ts"]);
    expect(JSON.parse(ada.stdout)).toEqual([
      { message_id: "cli-3", event: "email_opened", channel: "email", revenue: null },
      { message_id: "cli-4", event: "call_support", channel: "phone", revenue: null },
      { message_id: "cli-5", event: "purchase", channel: "web", revenue: 80 },
    ]);
  });

  it("limits to event days with --from/--to, and keeps the columns on an empty range", () => {
    const recent = cli(["--from", iso(now - 2 * DAY).slice(0, 10), "--json", "SELECT message_id FROM events ORDER BY 1"]);
    expect(JSON.parse(recent.stdout).map((r: { message_id: string }) => r.message_id)).toEqual(["cli-4", "cli-5"]);
    const none = cli(["--from", iso(now + 30 * DAY).slice(0, 10), "--json", "SELECT count(*) AS n, sum(revenue) AS revenue FROM events"]);
    expect(JSON.parse(none.stdout)).toEqual([{ n: "0", revenue: null }]);
  });

  it("fails with the server's or DuckDB's reason", () => {
    const noSite = cli(["--site", "nope", "SELECT 1"]);
    expect(noSite.status).toBe(1);
    expect(noSite.stderr).toMatch(/404.*no such site/);
    const badToken = cli(["SELECT 1"], { PARCOURS_ADMIN_TOKEN: "wrong" });
    expect(badToken.status).toBe(1);
    expect(badToken.stderr).toMatch(/401/);
    const badSql = cli(["SELECT nope FROM events"]);
    expect(badSql.status).toBe(1);
    expect(badSql.stderr).toMatch(/nope/);
  });
});
