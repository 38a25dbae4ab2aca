// Plausible's Events API (POST /api/event), as Plausible's own tracker and its documented long-key
// body send it. Plausible keys by domain and has no ids, so its messages go through the cookieless
// path: the visitor id is a daily salted hash of site, IP and UA; the IP is never kept.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { allSites } from "../sites/catalog";
import { originAllowed } from "../auth/origin";
import { hostOf } from "./channel";
import { fail, readJson, type Ctx } from "./request";
import { takeIn } from "./intake";
import { plausibleMessage, readPlausibleEvent } from "./plausible-event";

export const plausibleRoutes = new Hono<AppEnv>();

/** The host an allowed origin names: `http://localhost:*` (any port) is localhost. */
const originHost = (origin: string) => hostOf(origin.replace(/:\*$/, "").replace("*", "x"));

/**
 * Every answer, errors included, carries CORS as Plausible's do: the tracker's fetch can then read
 * the status, and the browser logs no CORS failure over a refused event. Reading an answer grants
 * nothing — whether the event is taken is decided by the site's allowed origins below.
 */
function corsForAnyOrigin(c: Ctx) {
  c.header("access-control-allow-origin", c.req.header("origin") ?? "*");
  c.header("vary", "Origin");
}

plausibleRoutes.post("/api/event", async (c) => {
  corsForAnyOrigin(c);
  const r = await readJson(c);
  if ("error" in r) return r.error;
  const read = readPlausibleEvent(r.body);
  if (!read.ok) return c.json({ error: read.error }, 400);
  const ev = read.event;
  const site = (await allSites(c.env.DB)).find((s) => s.id === ev.domain ||
    s.settings.allowedOrigins.some((o) => originHost(o) === ev.domain.replace(/^www\./, "")));
  if (!site) return fail(c, 401, "unauthorized", `no site for domain ${ev.domain}`, Object.hasOwn(r.body as object, "d") ? "d" : "domain");
  const origin = c.req.header("origin");
  if (origin && !originAllowed(origin, site.settings.allowedOrigins)) {
    return fail(c, 403, "origin_not_allowed", `origin ${origin} is not allowed for this site`);
  }
  // Each request is one event: Plausible's tracker sends no id and never retries.
  const msg = plausibleMessage(ev, `pl-${crypto.randomUUID()}`);
  const result = await takeIn(c, [msg], { site, trusted: false }, ev.engagement ? { engagement: ev.engagement } : {});
  if ("limited" in result) return result.limited;
  if (result.rejected.length) return c.json({ error: result.rejected[0].error }, 400);
  return c.body(null, 202);
});

// The documented long-key body is JSON, which asks first; the tracker's text/plain does not.
plausibleRoutes.options("/api/event", (c) => {
  corsForAnyOrigin(c);
  c.header("access-control-allow-methods", "POST, OPTIONS");
  c.header("access-control-allow-headers", "content-type");
  c.header("access-control-max-age", "86400");
  return c.body(null, 204);
});
