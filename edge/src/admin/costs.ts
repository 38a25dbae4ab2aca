// Costs, through the admin API: media spend per day/channel/campaign (JSON or CSV import) and unit
// costs of operational channels, so a call centre or a chatbot is judged by cost as well as effect.
import { Hono } from "hono";
import type { ApiError } from "@parcours/sdk/wire";
import type { AppEnv } from "../env";
import { invalidField } from "../errors";
import { isPlainObject } from "../lib/guards";
import { refuseWhileMoving } from "../auth/middleware";
import { siteDb } from "../sites/site-db";

export const costRoutes = new Hono<AppEnv>();

// The admin router that mounts this one loads the site first (admin/routes.ts): costs of a site
// that does not exist would be stored and never read, so they get its 404.
// Costs are the site's data: not written while it moves (only these paths: the router is mounted
// beside the other admin site routes, /move among them).
for (const path of ["/sites/:site/spend", "/sites/:site/unit-costs"]) costRoutes.use(path, refuseWhileMoving());

export interface SpendRow { day: string; channel: string; campaign: string; amount: number }

const CHANNEL = /^[a-z0-9][a-z0-9_-]{0,31}$/i;

// Date.parse takes 2026-02-30 (as March 2nd): a day is valid only when it reads back the same.
function isCalendarDay(day: string): boolean {
  const t = /^\d{4}-\d\d-\d\d$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : NaN;
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === day;
}

/** Validates one spend row; `at` names it in errors (rows[3].amount, line 4.amount). */
export function parseSpendRow(raw: unknown, at: string): { row: SpendRow } | { error: ApiError } {
  if (!isPlainObject(raw)) return { error: invalidField(at, "a row must be an object") };
  const { day, channel, campaign, amount } = raw;
  if (typeof day !== "string" || !isCalendarDay(day)) return { error: invalidField(`${at}.day`, "day must be YYYY-MM-DD") };
  if (typeof channel !== "string" || !CHANNEL.test(channel)) return { error: invalidField(`${at}.channel`, "channel must be a short name") };
  if (campaign !== undefined && campaign !== null && (typeof campaign !== "string" || campaign.length > 256)) return { error: invalidField(`${at}.campaign`, "campaign must be a string") };
  const n = typeof amount === "string" && amount.trim() !== "" ? Number(amount) : amount;
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0) return { error: invalidField(`${at}.amount`, "amount must be a number >= 0") };
  return { row: { day, channel: channel.toLowerCase(), campaign: (campaign as string | undefined) ?? "", amount: n } };
}

/** `day,channel,campaign,amount` with a header line; quoted cells may hold commas. */
export function parseSpendCsv(text: string): { rows: SpendRow[] } | { error: ApiError } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const cells = (line: string) => [...line.matchAll(/("([^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1].replace(/^"|"$/g, "").replace(/""/g, "\"").trim());
  const header = cells(lines[0] ?? "").map((h) => h.toLowerCase());
  for (const h of ["day", "channel", "amount"]) if (!header.includes(h)) return { error: invalidField("csv", `the header line needs a ${h} column`) };
  const rows: SpendRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const c = cells(lines[i]);
    const r = parseSpendRow(Object.fromEntries(header.map((h, j) => [h, c[j]])), `line ${i + 1}`);
    if ("error" in r) return r;
    rows.push(r.row);
  }
  return { rows };
}

costRoutes.put("/sites/:site/spend", async (c) => {
  const siteId = c.req.param("site");
  let rows: SpendRow[] = [];
  if ((c.req.header("content-type") ?? "").includes("text/csv")) {
    const parsed = parseSpendCsv(await c.req.text());
    if ("error" in parsed) return c.json({ error: parsed.error }, 400);
    rows = parsed.rows;
  } else {
    const body = await c.req.json().catch(() => null);
    if (!isPlainObject(body) || !Array.isArray(body.rows)) return c.json({ error: invalidField("rows", "body must be {\"rows\": [...]}") }, 400);
    for (const [i, raw] of body.rows.entries()) {
      const r = parseSpendRow(raw, `rows[${i}]`);
      if ("error" in r) return c.json({ error: r.error }, 400);
      rows.push(r.row);
    }
  }
  if (rows.length > 10_000) return c.json({ error: invalidField("rows", "at most 10,000 rows per request") }, 400);
  const db = siteDb(c.env, c.get("site"));
  for (let i = 0; i < rows.length; i += 500) {
    await db.prepare(
      `INSERT INTO spend (site_id, day, channel, campaign, amount)
       SELECT ?1, value->>'day', value->>'channel', value->>'campaign', value->>'amount' FROM json_each(?2) WHERE true
       ON CONFLICT (site_id, day, channel, campaign) DO UPDATE SET amount = excluded.amount`)
      .bind(siteId, JSON.stringify(rows.slice(i, i + 500))).run();
  }
  return c.json({ upserted: rows.length });
});

costRoutes.get("/sites/:site/spend", async (c) => {
  const { results } = await siteDb(c.env, c.get("site")).prepare("SELECT day, channel, campaign, amount FROM spend WHERE site_id = ? ORDER BY day, channel, campaign")
    .bind(c.req.param("site")).all();
  return c.json({ rows: results });
});

costRoutes.put("/sites/:site/unit-costs", async (c) => {
  const body = await c.req.json().catch(() => null);
  if (!isPlainObject(body)) return c.json({ error: invalidField("body", "body must map channels to a cost per touchpoint") }, 400);
  const entries = Object.entries(body);
  for (const [channel, cost] of entries) {
    if (!CHANNEL.test(channel)) return c.json({ error: invalidField(channel, "channel must be a short name") }, 400);
    if (typeof cost !== "number" || !Number.isFinite(cost) || cost < 0) return c.json({ error: invalidField(channel, "cost must be a number >= 0") }, 400);
  }
  const siteId = c.req.param("site");
  const db = siteDb(c.env, c.get("site"));
  await db.batch([
    db.prepare("DELETE FROM unit_costs WHERE site_id = ?").bind(siteId),
    ...entries.map(([channel, cost]) => db.prepare("INSERT INTO unit_costs (site_id, channel, cost) VALUES (?, ?, ?)").bind(siteId, channel.toLowerCase(), cost)),
  ]);
  return c.json(Object.fromEntries(entries.map(([k, v]) => [k.toLowerCase(), v])));
});

costRoutes.get("/sites/:site/unit-costs", async (c) => {
  const { results } = await siteDb(c.env, c.get("site")).prepare("SELECT channel, cost FROM unit_costs WHERE site_id = ?").bind(c.req.param("site")).all<{ channel: string; cost: number }>();
  return c.json(Object.fromEntries(results.map((r) => [r.channel, r.cost])));
});

