// The site's referral exclusions for the Settings view (the admin's dashboard login may edit
// these, never the rest of the site: PATCH /api/admin/sites/:site stays token only). The same
// setting and validation as that PATCH's `excludedReferrers`.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import type { SiteReferralSettings } from "../query/api";
import { requireAdminSite } from "../auth/middleware";
import { forgetSites } from "../sites/catalog";
import { DEFAULT_EXCLUDED_REFERRERS } from "../sites/referral-exclusions";
import { parseSiteInput } from "./site-input";
import { isPlainObject } from "../lib/guards";
import { invalidField } from "../errors";

export const referralRoutes = new Hono<AppEnv>();
referralRoutes.use("/referral-exclusions", requireAdminSite());

referralRoutes.get("/referral-exclusions", (c) =>
  c.json({ excludedReferrers: c.get("site").settings.excludedReferrers ?? [...DEFAULT_EXCLUDED_REFERRERS] } satisfies SiteReferralSettings));

referralRoutes.put("/referral-exclusions", async (c) => {
  const site = c.get("site");
  const body = await c.req.json().catch(() => null);
  if (!isPlainObject(body) || body.excludedReferrers === undefined) return c.json({ error: invalidField("excludedReferrers", "excludedReferrers is required") }, 400);
  const parsed = parseSiteInput({ excludedReferrers: body.excludedReferrers }, false);
  if (!parsed.ok) return c.json({ error: parsed.error }, 400);
  const excludedReferrers = parsed.input.settings.excludedReferrers!;
  await c.env.DB.prepare("UPDATE sites SET settings = ? WHERE id = ?").bind(JSON.stringify({ ...site.settings, excludedReferrers }), site.id).run();
  forgetSites();
  return c.json({ excludedReferrers } satisfies SiteReferralSettings);
});
