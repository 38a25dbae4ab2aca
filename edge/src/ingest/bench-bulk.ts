// Bench only: loads a large batch of messages through the same code a real batch goes through —
// validate and enrich (ingest/accept), one archive object in R2 (ingest/archive), then the queue
// consumer's own step (pipeline/consumer storePayloads: store, identities, sessions, journey
// state) — called in the request instead of through the ingest buffer and the queue, whose hops
// (a 100-message batch per request, one consumer batch at a time) are what make loading 10M
// events over HTTP take hours. Off unless the worker runs with PARCOURS_BENCH_BULK=1, which
// `npm run bench` sets on its own local server; a deployed worker never has it (wrangler.toml does
// not name it), and then the route answers 404 like any unknown one.
import { Hono, type MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { apiError } from "../errors";
import { siteById } from "../sites/catalog";
import { requireAdmin } from "../auth/middleware";
import { acceptMessages } from "./accept";
import { archiveFlush } from "./archive";
import { storePayloads } from "../pipeline/consumer";

/** Messages per request: a seed's few hundred people, their rows well inside one consumer step's D1 batch. */
export const MAX_BULK_MESSAGES = 10_000;

export const benchRoutes = new Hono<AppEnv>();

/** Without the flag the route does not exist, for an admin as for anyone. */
const benchOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.env.PARCOURS_BENCH_BULK !== "1") return c.json({ error: apiError("not_found", `no route ${c.req.method} ${c.req.path}`) }, 404);
  await next();
};

benchRoutes.post("/sites/:site/bench/bulk", benchOnly, requireAdmin(), async (c) => {
  const site = await siteById(c.env.DB, c.req.param("site"), 0);
  if (!site) return c.json({ error: apiError("not_found", "no such site", "site") }, 404);
  const body = await c.req.json().catch(() => null) as { batch?: unknown } | null;
  const batch = body?.batch;
  if (!Array.isArray(batch) || batch.length === 0 || batch.length > MAX_BULK_MESSAGES) {
    return c.json({ error: apiError("invalid_field", `batch must be an array of 1 to ${MAX_BULK_MESSAGES} messages`, "batch") }, 400);
  }
  // As a server sending with the site's secret key: trusted, so it may backfill.
  const receivedAt = Date.now();
  const { result, events, filtered } = await acceptMessages(batch, site, { userAgent: null, country: null, region: null, receivedAt, trusted: true });
  if (events.length === 0 && filtered.length === 0) return c.json({ ...result, stored: 0 });
  const { payloads } = await archiveFlush(c.env.ARCHIVE, site.id, receivedAt, events, filtered);
  const stored = await storePayloads(c.env, payloads, receivedAt);
  return c.json({ ...result, stored: stored.stored, people: stored.people });
});
