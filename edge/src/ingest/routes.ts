// Ingest routes: Segment-compatible /v1/*, Plausible's /api/event, the e-mail pixel and click
// redirect. Each request: size check -> parse -> authenticate -> accept -> durable hand-off.
import { Hono, type Context } from "hono";
import { MAX_REQUEST_BYTES, type MessageType } from "@parcours/sdk/wire";
import type { AppEnv, Site } from "../env";
import { apiError } from "../errors";
import { siteBySecretKey, siteByWriteKey, allSites } from "../auth/sites";
import { originAllowed } from "../auth/origin";
import { acceptMessages } from "./accept";
import { cookielessId, dailySalt } from "./privacy";
import { isPlainObject } from "./validate";
import type { RequestFacts } from "./enrich";
import { hostOf } from "./channel";
import { overLimit } from "./rate-limit";
import { toBuffer } from "./to-buffer";

export const ingestRoutes = new Hono<AppEnv>();

type Ctx = Context<AppEnv>;
type Auth = { site: Site; trusted: boolean } | { error: Response };

const fail = (c: Ctx, status: 400 | 401 | 403 | 413 | 429, code: string, message: string, field?: string) =>
  c.json({ error: apiError(code, message, field) }, status);

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

/** Secret key by HTTP Basic (servers, trusted), or write key in the body (browsers, origin checked). */
async function authenticate(c: Ctx, bodyKey: unknown): Promise<Auth> {
  const db = c.env.DB;
  const user = basicUser(c.req.header("authorization"));
  if (user) {
    const bySecret = await siteBySecretKey(db, user);
    if (bySecret) return { site: bySecret, trusted: true };
  }
  const writeKey = typeof bodyKey === "string" && bodyKey ? bodyKey : user;
  const site = writeKey ? await siteByWriteKey(db, writeKey) : null;
  if (!site) return { error: fail(c, 401, "unauthorized", writeKey ? "unknown key" : "a write key (body writeKey) or a secret key (HTTP Basic) is required") };
  const origin = c.req.header("origin");
  if (origin && !originAllowed(origin, site.settings.allowedOrigins)) {
    return { error: fail(c, 403, "origin_not_allowed", `origin ${origin} is not allowed for this site`) };
  }
  return { site, trusted: false };
}

function facts(c: Ctx, trusted: boolean): RequestFacts {
  const cf = (c.req.raw as { cf?: { country?: string; regionCode?: string } }).cf;
  return {
    userAgent: c.req.header("user-agent") ?? null,
    country: cf?.country ?? null,
    region: cf?.regionCode ?? null,
    receivedAt: Date.now(),
    trusted,
  };
}

/** Reads the body as JSON within the request limit; answers 413/400 itself when it cannot. */
async function readJson(c: Ctx): Promise<{ body: unknown } | { error: Response }> {
  const declared = Number(c.req.header("content-length") ?? 0);
  if (declared > MAX_REQUEST_BYTES) return { error: fail(c, 413, "payload_too_large", `request is over ${MAX_REQUEST_BYTES} bytes`) };
  const buf = await c.req.arrayBuffer();
  if (buf.byteLength > MAX_REQUEST_BYTES) return { error: fail(c, 413, "payload_too_large", `request is over ${MAX_REQUEST_BYTES} bytes`) };
  try {
    return { body: JSON.parse(new TextDecoder().decode(buf)) };
  } catch {
    return { error: fail(c, 400, "invalid_json", "body is not valid JSON") };
  }
}

function corsFor(c: Ctx, site: Site) {
  const origin = c.req.header("origin");
  if (origin && originAllowed(origin, site.settings.allowedOrigins)) {
    c.header("access-control-allow-origin", origin);
    c.header("vary", "Origin");
  }
}

const clientIp = (c: Ctx) => c.req.header("cf-connecting-ip") ?? c.req.header("x-forwarded-for")?.split(",")[0].trim() ?? "";

async function ingest(c: Ctx, raws: unknown[], auth: { site: Site; trusted: boolean }, opts: { batchSentAt?: unknown; forcedType?: MessageType }) {
  const wait = await overLimit(c.env, auth.site.id, auth.trusted, clientIp(c), c.req.header("user-agent") ?? "");
  if (wait) {
    c.header("retry-after", String(wait));
    return { limited: fail(c, 429, "rate_limited", `too many requests; retry after ${wait} s`) };
  }
  const f = facts(c, auth.trusted);
  let visitor: Promise<string> | undefined;
  const visitorId = () => (visitor ??= dailySalt(c.env.DB, new Date(f.receivedAt).toISOString().slice(0, 10))
    .then((salt) => cookielessId(salt, auth.site.id, clientIp(c), f.userAgent ?? "")));
  const { result, events, filtered } = await acceptMessages(raws, auth.site, f, { ...opts, cookielessId: visitorId });
  if (events.length || filtered.length) {
    // Durable before the 200: the site's ingest buffer keeps it until it reaches R2 and the queue.
    await toBuffer(c.env, auth.site, f.receivedAt, events, filtered, (p) => c.executionCtx.waitUntil(p));
  }
  corsFor(c, auth.site);
  return result;
}

ingestRoutes.post("/v1/batch", async (c) => {
  const r = await readJson(c);
  if ("error" in r) return r.error;
  const body = r.body;
  if (!isPlainObject(body)) return fail(c, 400, "invalid_field", "body must be an object with a batch array", "batch");
  const auth = await authenticate(c, body.writeKey);
  if ("error" in auth) return auth.error;
  if (!Array.isArray(body.batch)) return fail(c, 400, "invalid_field", "batch must be an array of messages", "batch");
  const result = await ingest(c, body.batch, auth, { batchSentAt: body.sentAt });
  return "limited" in result ? result.limited : c.json(result);
});

for (const type of ["track", "page", "screen", "identify", "alias", "group"] as const) {
  ingestRoutes.post(`/v1/${type}`, async (c) => {
    const r = await readJson(c);
    if ("error" in r) return r.error;
    const body = r.body;
    if (!isPlainObject(body)) return fail(c, 400, "invalid_message", "body must be a message object");
    const auth = await authenticate(c, body.writeKey);
    if ("error" in auth) return auth.error;
    const result = await ingest(c, [body], auth, { forcedType: type });
    // A batch of one (API.md): 200 with the refused message's reason in `rejected`, as Segment's
    // HTTP API answers 200 to any well-formed request whose message it does not accept.
    return "limited" in result ? result.limited : c.json(result);
  });
}

// Browsers post with text/plain (no preflight); other content types ask first.
// The preflight cannot see the write key (it is in the body), so it answers for an origin that
// some site allows; the POST itself is then checked against its own site.
ingestRoutes.options("/v1/*", async (c) => {
  const origin = c.req.header("origin");
  if (origin && (await allSites(c.env.DB)).some((s) => originAllowed(origin, s.settings.allowedOrigins))) {
    c.header("access-control-allow-origin", origin);
    c.header("access-control-allow-methods", "POST, OPTIONS");
    c.header("access-control-allow-headers", "content-type, authorization");
    c.header("access-control-max-age", "86400");
    c.header("vary", "Origin");
  }
  return c.body(null, 204);
});

/** The host an allowed origin names: `http://localhost:*` (any port) is localhost. */
const originHost = (origin: string) => hostOf(origin.replace(/:\*$/, "").replace("*", "x"));

/**
 * Plausible's Events API. Plausible keys by domain and has no ids, so its messages go through the
 * cookieless path: the visitor id is a daily salted hash of site, IP and UA; the IP is never kept.
 */
ingestRoutes.post("/api/event", async (c) => {
  const r = await readJson(c);
  if ("error" in r) return r.error;
  const b = r.body;
  if (!isPlainObject(b)) return fail(c, 400, "invalid_message", "body must be an object");
  if (typeof b.name !== "string" || !b.name) return fail(c, 400, "invalid_field", "name is required", "name");
  if (typeof b.url !== "string" || !hostOf(b.url)) return fail(c, 400, "invalid_field", "url must be an absolute URL", "url");
  if (typeof b.domain !== "string" || !b.domain) return fail(c, 400, "invalid_field", "domain is required", "domain");
  const domain = b.domain.toLowerCase().split(",")[0].trim();
  const site = (await allSites(c.env.DB)).find((s) => s.id === domain ||
    s.settings.allowedOrigins.some((o) => originHost(o) === domain.replace(/^www\./, "")));
  if (!site) return fail(c, 401, "unauthorized", `no site for domain ${domain}`, "domain");
  const origin = c.req.header("origin");
  if (origin && !originAllowed(origin, site.settings.allowedOrigins)) {
    return fail(c, 403, "origin_not_allowed", `origin ${origin} is not allowed for this site`);
  }
  const isPage = b.name === "pageview";
  const msg = {
    type: isPage ? "page" : "track",
    ...(isPage ? {} : { event: b.name }),
    anonymousId: "cookieless", // replaced by the daily visitor id
    properties: isPlainObject(b.props) ? { ...b.props, ...(isPlainObject(b.revenue) ? { revenue: Number(b.revenue.amount) } : {}) } : undefined,
    context: { page: { url: b.url, referrer: typeof b.referrer === "string" ? b.referrer : undefined }, privacy: { cookieless: true } },
  };
  const result = await ingest(c, [msg], { site, trusted: false }, {});
  if ("limited" in result) return result.limited;
  if (result.rejected.length) return c.json({ error: result.rejected[0].error }, 400);
  return c.body(null, 202);
});

// A 1x1 transparent GIF.
const PIXEL = Uint8Array.from(atob("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"), (ch) => ch.charCodeAt(0));

async function emailEvent(c: Ctx, event: string, extra: Record<string, unknown>) {
  const key = c.req.query("k");
  const site = key ? await siteByWriteKey(c.env.DB, key) : null;
  if (!site) return { error: fail(c, 401, "unauthorized", "unknown or missing key", "k") };
  const userId = c.req.query("u");
  if (!userId) return { error: fail(c, 400, "invalid_field", "u (the recipient's userId) is required", "u") };
  const campaign = c.req.query("c") ?? undefined;
  const msg = {
    type: "track", event, userId,
    properties: { campaign, ...extra },
    context: { channel: "email", campaign: { source: "email", medium: "email", name: campaign } },
  };
  const result = await ingest(c, [msg], { site, trusted: false }, {});
  // Over the rate limit the open or click is not recorded, but the reader still gets the pixel or
  // the redirect: a person clicking a link must never see a 429. A malformed link is the sender's
  // bug, and gets a clear 400 naming the parameter.
  if (!("limited" in result) && result.rejected.length) {
    const e = result.rejected[0].error;
    return { error: fail(c, 400, e.code, e.message, e.field === "userId" ? "u" : e.field) };
  }
  return { site };
}

ingestRoutes.get("/t/o.gif", async (c) => {
  const r = await emailEvent(c, "email_opened", {});
  if ("error" in r) return r.error;
  return c.body(PIXEL, 200, { "content-type": "image/gif", "cache-control": "no-store, max-age=0" });
});

ingestRoutes.get("/t/c", async (c) => {
  const to = c.req.query("to");
  const key = c.req.query("k");
  const site = key ? await siteByWriteKey(c.env.DB, key) : null;
  if (!site) return fail(c, 401, "unauthorized", "unknown or missing key", "k");
  let target: URL;
  try {
    target = new URL(to ?? "");
  } catch {
    return fail(c, 400, "invalid_field", "to must be an absolute URL", "to");
  }
  // Never an open redirect: only http(s) to the site's listed hosts.
  const host = target.hostname.toLowerCase();
  if (!/^https?:$/.test(target.protocol) || !site.settings.redirectHosts.map((h) => h.toLowerCase()).includes(host)) {
    return fail(c, 400, "invalid_field", `redirects go only to the site's listed hosts; ${host || "this URL"} is not one`, "to");
  }
  const r = await emailEvent(c, "email_clicked", { url: target.toString() });
  if ("error" in r) return r.error;
  return c.redirect(target.toString(), 302);
});
