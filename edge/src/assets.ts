// Static assets (dashboard, s.js, v.js) with the headers each kind needs.
import { Hono } from "hono";
import type { AppEnv } from "./env";

export const assetRoutes = new Hono<AppEnv>();

// The dashboard runs only its own script, talks only to its own origin, and is never framed.
const DASHBOARD_HEADERS: Record<string, string> = {
  "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};

assetRoutes.get("*", async (c) => {
  const res = await c.env.ASSETS.fetch(c.req.raw);
  const out = new Response(res.body, res);
  const path = c.req.path;
  out.headers.set("x-content-type-options", "nosniff");
  if (/^\/[svlf]\.js$/.test(path)) {
    // The tracker is loaded cross-origin by every tracked site.
    out.headers.set("access-control-allow-origin", "*");
    out.headers.set("cache-control", "public, max-age=300");
  } else {
    for (const [k, v] of Object.entries(DASHBOARD_HEADERS)) out.headers.set(k, v);
  }
  return out;
});
