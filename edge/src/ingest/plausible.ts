// Plausible's Events API (POST /api/event), as Plausible's own tracker and its documented long-key
// body send it. Plausible keys by domain and has no ids, so its messages go through the cookieless
// path: the visitor id is a daily salted hash of site, IP and UA; the IP is never kept.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { allSites } from "../auth/sites";
import { originAllowed } from "../auth/origin";
import { isPlainObject } from "./validate";
import { hostOf } from "./channel";
import { allowSiteOrigin, fail, readJson } from "./request";
import { takeIn } from "./intake";

export const plausibleRoutes = new Hono<AppEnv>();

/** The host an allowed origin names: `http://localhost:*` (any port) is localhost. */
const originHost = (origin: string) => hostOf(origin.replace(/:\*$/, "").replace("*", "x"));

plausibleRoutes.post("/api/event", async (c) => {
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
  allowSiteOrigin(c, site);
  const isPage = b.name === "pageview";
  const msg = {
    type: isPage ? "page" : "track",
    ...(isPage ? {} : { event: b.name }),
    anonymousId: "cookieless", // replaced by the daily visitor id
    properties: isPlainObject(b.props) ? { ...b.props, ...(isPlainObject(b.revenue) ? { revenue: Number(b.revenue.amount) } : {}) } : undefined,
    context: { page: { url: b.url, referrer: typeof b.referrer === "string" ? b.referrer : undefined }, privacy: { cookieless: true } },
  };
  const result = await takeIn(c, [msg], { site, trusted: false });
  if ("limited" in result) return result.limited;
  if (result.rejected.length) return c.json({ error: result.rejected[0].error }, 400);
  return c.body(null, 202);
});
