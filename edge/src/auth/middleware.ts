// Who may read what. The read API opens with the site's read token, the admin token, or a
// dashboard session cookie; write and secret keys never read (they are refused with 403).
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { every } from "hono/combine";
import type { AppEnv, Bindings } from "../env";
import { apiError, siteMoving } from "../errors";
import { safeEqual, sha256Hex } from "./crypto";
import { siteById, siteBySecretKey, siteByWriteKey, siteNow } from "../sites/catalog";
import { COOKIE, verifySession, type SessionClaims } from "./session";
import { isShareToken, SHARE_REFUSALS, shareByToken } from "./share";
import { shareAllows } from "./share-scope";

// Without a configured secret, sessions are signed with a per-isolate random key: they simply
// do not survive a restart, which is safe.
// (Random values may not be drawn at global scope in Workers, hence the lazy init.)
let isolateSecret: string | undefined;

export const sessionSecret = (env: Bindings) =>
  env.SESSION_SECRET ?? (env.PARCOURS_ADMIN_TOKEN ? `s:${env.PARCOURS_ADMIN_TOKEN}` : (isolateSecret ??= crypto.randomUUID()));

export const bearer = (c: Context) => {
  const h = c.req.header("authorization");
  return h?.startsWith("Bearer ") ? h.slice(7).trim() : null;
};

export const isAdminToken = (env: Bindings, token: string | null) =>
  Boolean(env.PARCOURS_ADMIN_TOKEN && token && safeEqual(token, env.PARCOURS_ADMIN_TOKEN));

export const KEY_CHARS = 16;
export const adminKey = async (env: Bindings) => (env.PARCOURS_ADMIN_TOKEN ? (await sha256Hex(env.PARCOURS_ADMIN_TOKEN)).slice(0, KEY_CHARS) : null);

/** The dashboard session of this request, if its cookie is genuine, unexpired and its token not rotated since. */
export async function currentSession(c: Context<AppEnv>): Promise<SessionClaims | null> {
  const claims = await verifySession(sessionSecret(c.env), getCookie(c, COOKIE), Date.now());
  if (!claims) return null;
  if (claims.sites === "*") return claims.key === (await adminKey(c.env)) ? claims : null;
  const site = claims.sites.length === 1 ? await siteById(c.env.DB, claims.sites[0]) : null;
  return site && site.readTokenHash.slice(0, KEY_CHARS) === claims.key ? claims : null;
}

/**
 * The admin token; with `session`, also the admin's dashboard login (its cookie is SameSite=Strict,
 * so another site cannot make the browser send it along with a forged request).
 */
export function requireAdmin(opts: { session?: boolean } = {}): MiddlewareHandler<AppEnv> {
  return async function requireAdmin(c, next) {
    const token = bearer(c);
    if (token && isShareToken(token)) return c.json({ error: apiError("forbidden", "a shared link only reads its site's dashboard") }, 403);
    const allowed = token ? isAdminToken(c.env, token) : opts.session === true && (await currentSession(c))?.sites === "*";
    if (!allowed) {
      return c.json({ error: apiError("unauthorized", "the admin token is required (Authorization: Bearer ...)") }, 401);
    }
    c.set("admin", true);
    await next();
  };
}

/** Guards /api/sites/:site/*: sets `site` for the handlers. */
export function requireSiteRead(): MiddlewareHandler<AppEnv> {
  return async function requireSiteRead(c, next) {
    const siteId = c.req.param("site") ?? "";
    const site = await siteById(c.env.DB, siteId);
    const token = bearer(c);
    let allowed = false;
    if (token && isShareToken(token)) {
      // Checked against its row on every request, before the answer cache: a revoked link gets no
      // answer, not even one cached while it was valid.
      const grant = await shareByToken(c.env.DB, token, Date.now());
      if (typeof grant === "string") return c.json({ error: apiError("unauthorized", SHARE_REFUSALS[grant]) }, 401);
      const rest = c.req.path.split("/").slice(4).join("/");
      if (grant.siteId !== siteId || !shareAllows(grant.views, c.req.method, rest)) {
        return c.json({ error: apiError("forbidden", "this shared link does not open this page") }, 403);
      }
      allowed = true;
    } else if (token) {
      allowed = isAdminToken(c.env, token) || (site !== null && safeEqual(await sha256Hex(token), site.readTokenHash));
      if (!allowed && ((await siteByWriteKey(c.env.DB, token)) || (await siteBySecretKey(c.env.DB, token)))) {
        return c.json({ error: apiError("forbidden", "write and secret keys can only write; use the site's read token") }, 403);
      }
    } else {
      const claims = await currentSession(c);
      allowed = claims !== null && (claims.sites === "*" || claims.sites.includes(siteId));
    }
    if (!allowed) return c.json({ error: apiError("unauthorized", "a read token or a dashboard login is required") }, 401);
    if (!site) return c.json({ error: apiError("not_found", `no site ${siteId}`, "site") }, 404);
    c.set("site", site);
    await next();
  };
}

/** Sets the site of `:site` for the handlers, or answers 404. */
export function loadSite(): MiddlewareHandler<AppEnv> {
  return async function loadSite(c, next) {
    // Read now, not cached: an admin write must reach the database the site is in at this moment.
    const site = await siteNow(c.env.DB, c.req.param("site") ?? "");
    if (!site) return c.json({ error: apiError("not_found", "no such site", "site") }, 404);
    c.set("site", site);
    await next();
  };
}

/** After loadSite: while the site's data moves between databases it is read, not written (409). */
export function refuseWhileMoving(): MiddlewareHandler<AppEnv> {
  return async function refuseWhileMoving(c, next) {
    const { movingTo } = c.get("site");
    if (movingTo && c.req.method !== "GET") return c.json({ error: siteMoving(movingTo) }, 409);
    await next();
  };
}

/** For admin routes the Settings view calls: the admin token or the admin's dashboard login, then the site. */
export const requireAdminSite = (): MiddlewareHandler<AppEnv> => every(requireAdmin({ session: true }), loadSite());
