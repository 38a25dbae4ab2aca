// E-mail touchpoints: the open pixel and the click redirect. The links carry the site's write key,
// the recipient's userId and the campaign; a click redirects only to the site's listed hosts.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { siteByWriteKey } from "../sites/catalog";
import { fail, type Ctx } from "./request";
import { takeIn } from "./intake";

export const emailRoutes = new Hono<AppEnv>();

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
  const result = await takeIn(c, [msg], { site, trusted: false });
  // Over the rate limit the open or click is not recorded, but the reader still gets the pixel or
  // the redirect: a person clicking a link must never see a 429. A malformed link is the sender's
  // bug, and gets a clear 400 naming the parameter.
  if (!("limited" in result) && result.rejected.length) {
    const e = result.rejected[0].error;
    return { error: fail(c, 400, e.code, e.message, e.field === "userId" ? "u" : e.field) };
  }
  return { site };
}

emailRoutes.get("/t/o.gif", async (c) => {
  const r = await emailEvent(c, "email_opened", {});
  if ("error" in r) return r.error;
  return c.body(PIXEL, 200, { "content-type": "image/gif", "cache-control": "no-store, max-age=0" });
});

emailRoutes.get("/t/c", async (c) => {
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
