// Segment's HTTP tracking API, as its server libraries and its browser library (analytics.js,
// @segment/analytics-next) speak it: /v1/batch and the one-message routes, their short names
// /v1/b|t|p|i|a|g|s, and the settings analytics.js asks for before it sends anything.
import { Hono } from "hono";
import type { MessageType } from "@parcours/sdk/wire";
import type { AppEnv } from "../env";
import { apiError } from "../errors";
import { siteBySecretKey, siteByWriteKey, allSites } from "../sites/catalog";
import { originAllowed } from "../auth/origin";
import { isPlainObject } from "../lib/guards";
import { allowSiteOrigin, fail, readJson, type Ctx } from "./request";
import { takeIn, type Sender } from "./intake";

export const segmentRoutes = new Hono<AppEnv>();

function basicUser(header: string | undefined): string | null {
  if (!header?.startsWith("Basic ")) return null;
  try {
    const decoded = atob(header.slice(6).trim());
    const i = decoded.indexOf(":");
    return i < 0 ? decoded : decoded.slice(0, i);
  } catch {
    return null;
  }
}

/**
 * A secret key as the HTTP Basic user is a server (trusted). Anything else is a browser: the write
 * key from the body, or as the Basic user (analytics.js sends `Basic <writeKey>:`), with the
 * origin checked and no backfill — a public key never gets a secret key's rights.
 */
async function authenticate(c: Ctx, bodyKey: unknown): Promise<Sender | { error: Response }> {
  const db = c.env.DB;
  const user = basicUser(c.req.header("authorization"));
  if (user) {
    const bySecret = await siteBySecretKey(db, user);
    if (bySecret) {
      allowSiteOrigin(c, bySecret);
      return { site: bySecret, trusted: true };
    }
  }
  const writeKey = typeof bodyKey === "string" && bodyKey ? bodyKey : user;
  const site = writeKey ? await siteByWriteKey(db, writeKey) : null;
  if (!site) return { error: fail(c, 401, "unauthorized", writeKey ? "unknown key" : "a write key (body writeKey) or a secret key (HTTP Basic) is required") };
  const origin = c.req.header("origin");
  if (origin && !originAllowed(origin, site.settings.allowedOrigins)) {
    return { error: fail(c, 403, "origin_not_allowed", `origin ${origin} is not allowed for this site`) };
  }
  allowSiteOrigin(c, site);
  return { site, trusted: false };
}

async function batch(c: Ctx) {
  const r = await readJson(c);
  if ("error" in r) return r.error;
  const body = r.body;
  if (!isPlainObject(body)) return fail(c, 400, "invalid_field", "body must be an object with a batch array", "batch");
  const sender = await authenticate(c, body.writeKey);
  if ("error" in sender) return sender.error;
  if (!Array.isArray(body.batch)) return fail(c, 400, "invalid_field", "batch must be an array of messages", "batch");
  const result = await takeIn(c, body.batch, sender, { batchSentAt: body.sentAt });
  return "limited" in result ? result.limited : c.json(result);
}

function oneMessage(type: MessageType) {
  return async function segmentMessage(c: Ctx) {
    const r = await readJson(c);
    if ("error" in r) return r.error;
    const body = r.body;
    if (!isPlainObject(body)) return fail(c, 400, "invalid_message", "body must be a message object");
    const sender = await authenticate(c, body.writeKey);
    if ("error" in sender) return sender.error;
    const result = await takeIn(c, [body], sender, { forcedType: type });
    // A batch of one (API.md): 200 with the refused message's reason in `rejected`, as Segment's
    // HTTP API answers 200 to any well-formed request whose message it does not accept.
    return "limited" in result ? result.limited : c.json(result);
  };
}

segmentRoutes.post("/v1/batch", batch);
segmentRoutes.post("/v1/b", batch);
// analytics.js posts to the first letter of the message type: /v1/t, /v1/p, /v1/i, /v1/a, /v1/g, /v1/s.
for (const type of ["track", "page", "screen", "identify", "alias", "group"] as const) {
  segmentRoutes.post(`/v1/${type}`, oneMessage(type));
  segmentRoutes.post(`/v1/${type[0]}`, oneMessage(type));
}

/**
 * The settings analytics.js loads from `<cdn>/v1/projects/<writeKey>/settings` (analytics-next's
 * loadCDNSettings). Only its own destination, "Segment.io", is listed, so it loads no other
 * integration; its apiHost points back at this worker. Remote metrics are off (sampleRate 0): they
 * would go to `<apiHost>/m`, which carries no touchpoint.
 */
export function segmentSettings(writeKey: string, base: URL) {
  return {
    integrations: {
      "Segment.io": {
        apiKey: writeKey,
        apiHost: `${base.host}/v1`,
        protocol: base.protocol.replace(/:$/, ""),
        unbundledIntegrations: [],
        addBundledMetadata: false,
        maybeBundledConfigIds: {},
      },
    },
    plan: { track: { __default: { enabled: true, integrations: {} } }, identify: { __default: { enabled: true } }, group: { __default: { enabled: true } } },
    edgeFunction: {},
    analyticsNextEnabled: true,
    middlewareSettings: {},
    enabledMiddleware: {},
    metrics: { sampleRate: 0 },
    legacyVideoPluginsEnabled: false,
    remotePlugins: [],
  };
}

// Public (the write key already sits in the page), so any origin may read it, and a CDN may keep it.
segmentRoutes.get("/v1/projects/:writeKey/settings", async (c) => {
  c.header("access-control-allow-origin", "*");
  const site = await siteByWriteKey(c.env.DB, c.req.param("writeKey"));
  if (!site) return c.json({ error: apiError("not_found", "no site has this write key", "writeKey") }, 404);
  c.header("cache-control", "public, max-age=300");
  return c.json(segmentSettings(site.writeKey, new URL(c.req.url)));
});

// Browsers post with text/plain, and the Parcours SDK sends no preflight; analytics.js adds an
// Authorization header (and X-Retry-Count on a retry), so it asks first. The preflight cannot see
// the key, so it answers for an origin that some site allows; the POST is checked against its own site.
segmentRoutes.options("/v1/*", async (c) => {
  const origin = c.req.header("origin");
  if (origin && (await allSites(c.env.DB)).some((s) => originAllowed(origin, s.settings.allowedOrigins))) {
    c.header("access-control-allow-origin", origin);
    c.header("access-control-allow-methods", "POST, OPTIONS");
    c.header("access-control-allow-headers", "content-type, authorization, x-retry-count");
    c.header("access-control-max-age", "86400");
    c.header("vary", "Origin");
  }
  return c.body(null, 204);
});
