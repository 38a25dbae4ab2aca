// Dashboard login: exchanges a read token (one site) or the admin token (every site) for a
// session cookie.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { apiError } from "../errors";
import type { SessionBody, ShareSession, SignedIn } from "../query/api";
import { sha256Hex } from "./crypto";
import { allSites } from "../sites/catalog";
import { cookieHeader, signSession, type SessionClaims } from "./session";
import { adminKey, bearer, currentSession, isAdminToken, KEY_CHARS, sessionSecret } from "./middleware";
import { isShareToken, SHARE_REFUSALS, shareByToken } from "./share";
import { siteById } from "../sites/catalog";

export const authRoutes = new Hono<AppEnv>();

async function sitesFor(db: D1Database, claims: Pick<SessionClaims, "sites">) {
  const sites = await allSites(db);
  return sites.filter((s) => claims.sites === "*" || claims.sites.includes(s.id)).map((s) => ({ id: s.id, name: s.name }));
}

authRoutes.post("/login", async (c) => {
  const body = (await c.req.json().catch(() => null)) as { token?: unknown } | null;
  const token = typeof body?.token === "string" ? body.token.trim() : "";
  if (!token) return c.json({ error: apiError("invalid_field", "token is required", "token") }, 400);
  let sites: SessionClaims["sites"] | null = null;
  let key = "";
  if (isAdminToken(c.env, token)) {
    sites = "*";
    key = (await adminKey(c.env))!;
  } else {
    const hash = await sha256Hex(token);
    const site = (await allSites(c.env.DB)).find((s) => s.readTokenHash === hash);
    if (site) {
      sites = [site.id];
      key = hash.slice(0, KEY_CHARS);
    }
  }
  if (!sites) return c.json({ error: apiError("unauthorized", "this token opens no site", "token") }, 401);
  const value = await signSession(sessionSecret(c.env), sites, key, Date.now());
  c.header("set-cookie", cookieHeader(value, new URL(c.req.url).protocol === "https:"));
  return c.json({ signedIn: true, sites: await sitesFor(c.env.DB, { sites }), admin: sites === "*" } satisfies SignedIn);
});

authRoutes.get("/session", async (c) => {
  const claims = await currentSession(c);
  // Signed out is a normal state of the dashboard, not an error (no 401 in the browser console).
  if (!claims) return c.json({ signedIn: false } satisfies SessionBody);
  return c.json({ signedIn: true, sites: await sitesFor(c.env.DB, claims), admin: claims.sites === "*" } satisfies SessionBody);
});

authRoutes.post("/logout", (c) => {
  c.header("set-cookie", cookieHeader("", new URL(c.req.url).protocol === "https:", 0));
  return c.body(null, 204);
});

/** What a shared link opens (Bearer its token): the dashboard's session when opened through one. */
authRoutes.get("/share", async (c) => {
  const token = bearer(c);
  if (!token || !isShareToken(token)) return c.json({ error: apiError("unauthorized", "a shared link's token is required (Authorization: Bearer ...)") }, 401);
  const grant = await shareByToken(c.env.DB, token, Date.now());
  if (typeof grant === "string") return c.json({ error: apiError("unauthorized", SHARE_REFUSALS[grant]) }, 401);
  const site = await siteById(c.env.DB, grant.siteId);
  if (!site) return c.json({ error: apiError("unauthorized", SHARE_REFUSALS.revoked) }, 401);
  return c.json({ site: { id: site.id, name: site.name }, views: grant.views, expiresAt: grant.expiresAt } satisfies ShareSession);
});
