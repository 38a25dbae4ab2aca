// Admin API (Bearer admin token): sites and their keys, dead letters, replay, person export/delete,
// the full history as NDJSON.
import { Hono } from "hono";
import type { AppEnv, Site } from "../env";
import { apiError } from "../errors";
import { randomToken, sha256Hex } from "../auth/crypto";
import { allSites, forgetSites, siteNow } from "../sites/catalog";
import { loadSite, refuseWhileMoving, requireAdmin } from "../auth/middleware";
import { replayMissing } from "../pipeline/replay";
import { DEFAULT_SETTINGS, parseSiteInput } from "./site-input";
import { DEFAULT_EXCLUDED_REFERRERS } from "../sites/referral-exclusions";
import { isPlainObject } from "../lib/guards";
import { deletePerson, exportPerson } from "./person";
import { costRoutes } from "./costs";
import { rebuildProgress, startRebuild } from "../jobs/rebuild";
import { maintainSite } from "../scheduled";
import { historyRoutes } from "./history";
import { moveStateOf, startMove } from "../jobs/move-site";
import { databaseLoads, leastLoaded } from "../sites/placement";
import { siteDatabases, siteDb } from "../sites/site-db";

export const adminRoutes = new Hono<AppEnv>();
adminRoutes.use("*", requireAdmin());
// Every /sites/:site route (costs' and history's too) gets the site as it is now, or a 404.
adminRoutes.use("/sites/:site/*", loadSite());
adminRoutes.route("/", costRoutes);
adminRoutes.route("/", historyRoutes);

// The referral exclusions in force are shown even where the site keeps the default.
const publicSite = (s: Site) => ({ id: s.id, name: s.name, writeKey: s.writeKey, createdAt: s.createdAt, ...s.settings,
  excludedReferrers: s.settings.excludedReferrers ?? [...DEFAULT_EXCLUDED_REFERRERS],
  database: s.database, ...(s.movingTo ? { movingTo: s.movingTo } : {}) });

adminRoutes.post("/sites", async (c) => {
  const parsed = parseSiteInput(await c.req.json().catch(() => null), true);
  if (!parsed.ok) return c.json({ error: parsed.error }, 400);
  const { input } = parsed;
  const id = input.id ?? input.name!.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) + "-" + randomToken("", 3).toLowerCase().replace(/[^a-z0-9]/g, "");
  const writeKey = input.writeKey ?? randomToken("pw_");
  const secretKey = input.secretKey ?? randomToken("ps_");
  const readToken = input.readToken ?? randomToken("pr_");
  const settings = { ...DEFAULT_SETTINGS, ...input.settings };
  // Where its data goes: the database named, else the least loaded (sites/placement.ts).
  const database = input.database ?? leastLoaded(await databaseLoads(c.env));
  if (!siteDatabases(c.env).some((d) => d.name === database)) {
    return c.json({ error: apiError("invalid_field", `database must name a bound site database: ${siteDatabases(c.env).map((d) => d.name).join(", ")}`, "database") }, 400);
  }
  const res = await c.env.DB.prepare(
    `INSERT INTO sites (id, name, write_key, secret_key_hash, read_token_hash, settings, created_at, database) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT DO NOTHING`)
    .bind(id, input.name, writeKey, await sha256Hex(secretKey), await sha256Hex(readToken), JSON.stringify(settings), Date.now(), database)
    .run();
  if (!res.meta.changes) return c.json({ error: apiError("conflict", "a site with this id or key already exists", "id") }, 409);
  forgetSites();
  return c.json({ id, writeKey, secretKey, readToken, database }, 201);
});

adminRoutes.get("/sites", async (c) => c.json({ sites: (await allSites(c.env.DB)).map(publicSite) }));

adminRoutes.get("/sites/:site", async (c) => c.json(publicSite(c.get("site"))));

adminRoutes.patch("/sites/:site", refuseWhileMoving(), async (c) => {
  const site = c.get("site");
  const parsed = parseSiteInput(await c.req.json().catch(() => null), false);
  if (!parsed.ok) return c.json({ error: parsed.error }, 400);
  if (parsed.input.database !== undefined) {
    return c.json({ error: apiError("invalid_field", "a site changes database through POST /api/admin/sites/:site/move", "database") }, 400);
  }
  const settings = { ...site.settings, ...parsed.input.settings };
  await c.env.DB.prepare("UPDATE sites SET name = ?, settings = ? WHERE id = ?")
    .bind(parsed.input.name ?? site.name, JSON.stringify(settings), site.id).run();
  forgetSites();
  // What journeys mean changed: recompute them (answers meanwhile come from the states).
  if (JOURNEY_SETTINGS.some((k) => JSON.stringify(site.settings[k]) !== JSON.stringify(settings[k]))) await startRebuild(c.env, site);
  return c.json(publicSite({ ...site, name: parsed.input.name ?? site.name, settings }));
});

/** Settings a person's journey state or journeys depend on. */
const JOURNEY_SETTINGS = ["conversions", "lookbackDays", "sessionGapMinutes", "stages"] as const;

/** The site's cron work, now: raw ageing, retention, churn scores. */
adminRoutes.post("/sites/:site/maintenance", refuseWhileMoving(), async (c) => {
  const site = c.get("site");
  return c.json(await maintainSite(c.env, site, Date.now()));
});

adminRoutes.post("/sites/:site/rebuild", refuseWhileMoving(), async (c) => {
  const site = c.get("site");
  return c.json(await startRebuild(c.env, site), 202);
});

adminRoutes.get("/sites/:site/rebuild", async (c) => {
  const site = c.get("site");
  return c.json(await rebuildProgress(siteDb(c.env, site), site.id));
});

/**
 * Moves the site's data to another bound database: `{"database": "SITE_DB_1"}` starts it (202),
 * the same call again restarts it, and naming the site's current database cancels it (202). The
 * copy runs on the queue in steps (jobs/move-site.ts); GET shows where it is.
 */
adminRoutes.post("/sites/:site/move", async (c) => {
  const site = c.get("site");
  const body = await c.req.json().catch(() => null);
  if (!isPlainObject(body) || typeof body.database !== "string") {
    return c.json({ error: apiError("invalid_field", "body must be {\"database\": \"<binding>\"}", "database") }, 400);
  }
  const r = await startMove(c.env, site, body.database, Date.now());
  if (!r.ok) return c.json({ error: apiError(r.code, r.message, "database") }, r.status);
  return c.json({ id: site.id, database: site.database, move: r.state }, r.status as 200 | 202);
});

adminRoutes.get("/sites/:site/move", async (c) => {
  const site = c.get("site");
  return c.json({ id: site.id, database: site.database, movingTo: site.movingTo, move: moveStateOf(site) });
});

/**
 * Key rotation without downtime: a new secret key is issued and the previous one keeps working
 * for `graceHours` (default 24), so senders can be switched over at leisure.
 */
adminRoutes.post("/sites/:site/rotate", async (c) => {
  const site = c.get("site");
  // No body means the defaults; a body that is not an object, or a grace that is not a number,
  // is refused (a NaN grace would silently end the old key at once).
  const body = await c.req.json().catch(() => ({}));
  if (!isPlainObject(body)) return c.json({ error: apiError("invalid_field", "body must be a JSON object", "body") }, 400);
  const which = body.key ?? "secret";
  const graceHours = body.graceHours ?? 24;
  if (typeof graceHours !== "number" || !Number.isFinite(graceHours)) {
    return c.json({ error: apiError("invalid_field", "graceHours must be a number of hours", "graceHours") }, 400);
  }
  const grace = Math.max(0, Math.min(720, graceHours)) * 3600_000;
  let out: Record<string, string>;
  if (which === "secret") {
    const secretKey = randomToken("ps_");
    await c.env.DB.prepare("UPDATE sites SET previous_secret_key_hash = secret_key_hash, previous_secret_valid_until = ?, secret_key_hash = ? WHERE id = ?")
      .bind(Date.now() + grace, await sha256Hex(secretKey), site.id).run();
    out = { secretKey };
  } else if (which === "read") {
    const readToken = randomToken("pr_");
    await c.env.DB.prepare("UPDATE sites SET read_token_hash = ? WHERE id = ?").bind(await sha256Hex(readToken), site.id).run();
    out = { readToken };
  } else if (which === "write") {
    const writeKey = randomToken("pw_");
    await c.env.DB.prepare("UPDATE sites SET write_key = ? WHERE id = ?").bind(writeKey, site.id).run();
    out = { writeKey };
  } else {
    return c.json({ error: apiError("invalid_field", "key must be secret, read or write", "key") }, 400);
  }
  forgetSites();
  return c.json(out);
});

/** Storage counters, for operators and the load test (stored must equal acknowledged). */
adminRoutes.get("/stats", async (c) => {
  const site = c.req.query("site");
  // One site's counts come from its database; without `site`, every database's are added up.
  const known = site ? await siteNow(c.env.DB, site) : null;
  const databases = known ? [siteDb(c.env, known)] : site ? [] : siteDatabases(c.env).map((d) => d.db);
  const totals = { events: 0, sessions: 0, identities: 0, filtered: 0, ingestedBatches: 0 };
  for (const db of databases) {
    const q = (table: string) => db.prepare(`SELECT count(*) AS n FROM ${table}${site ? " WHERE site_id = ?" : ""}`);
    const bind = (s: D1PreparedStatement) => (site ? s.bind(site) : s);
    const rows = await db.batch([
      bind(q("events")), bind(q("sessions")), bind(q("identities")), bind(q("filtered_events")),
      db.prepare("SELECT count(*) AS n FROM ingested_batches"),
    ]);
    const [events, sessions, identities, filtered, ingestedBatches] = rows.map((r) => (r.results[0] as { n: number }).n);
    totals.events += events;
    totals.sessions += sessions;
    totals.identities += identities;
    totals.filtered += filtered;
    totals.ingestedBatches += ingestedBatches;
  }
  const deadLetters = (await c.env.DB.prepare(`SELECT count(*) AS n FROM dead_letters${site ? " WHERE site_id = ?" : ""}`)
    .bind(...(site ? [site] : [])).first<{ n: number }>())!.n;
  return c.json({ events: totals.events, sessions: totals.sessions, identities: totals.identities, filtered: totals.filtered, deadLetters,
    ingestedBatches: totals.ingestedBatches });
});

adminRoutes.get("/dead-letters", async (c) => {
  const { results } = await c.env.DB.prepare("SELECT id, site_id AS siteId, error, received_at AS receivedAt, payload FROM dead_letters ORDER BY id DESC LIMIT 100").all();
  return c.json({ deadLetters: results.map((r) => ({ ...r, payload: JSON.parse(r.payload as string) })) });
});

/** Re-enqueues archived batches of the last `hours` (default 24) that were never stored. */
adminRoutes.post("/replay", async (c) => {
  const hours = Math.max(1, Math.min(24 * 31, Number(c.req.query("hours") ?? 24)));
  const sites = c.req.query("site") ? [c.req.query("site")!] : (await allSites(c.env.DB)).map((s) => s.id);
  const now = Date.now();
  return c.json(await replayMissing(c.env, sites, now - hours * 3600_000, now, Number(c.req.query("min_age_ms") ?? 60_000)));
});

adminRoutes.get("/sites/:site/people/:personId/export", async (c) => {
  const site = c.get("site");
  const data = await exportPerson(siteDb(c.env, site), site.id, c.req.param("personId"));
  return data ? c.json(data) : c.json({ error: apiError("not_found", "no such person", "personId") }, 404);
});

adminRoutes.delete("/sites/:site/people/:personId", refuseWhileMoving(), async (c) => {
  const site = c.get("site");
  const r = await deletePerson(c.env, siteDb(c.env, site), site.id, c.req.param("personId"));
  return r ? c.json(r) : c.json({ error: apiError("not_found", "no such person", "personId") }, 404);
});
