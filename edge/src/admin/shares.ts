// Shared links (API.md "Compare, segments, shares"): the admin creates, lists and revokes a site's
// read-only dashboard links. The admin token, or the admin's dashboard login (the Settings view).
import { Hono } from "hono";
import type { AppEnv } from "../env";
import type { CreatedShare, SharesBody } from "../query/api";
import { apiError, invalidField } from "../errors";
import { randomToken, sha256Hex } from "../auth/crypto";
import { requireAdminSite } from "../auth/middleware";
import { newShareToken, sharesOf } from "../auth/share";
import { parseShareInput } from "./share-input";

export const shareRoutes = new Hono<AppEnv>();
// Only on these paths: the other /api/admin/sites/:site routes keep their own guard (token only).
for (const path of ["/shares", "/shares/*"]) shareRoutes.use(path, requireAdminSite());

const MAX_PER_SITE = 50;

shareRoutes.post("/shares", async (c) => {
  const site = c.get("site");
  const text = await c.req.text();
  let body: unknown = null;
  try {
    body = text.trim() ? JSON.parse(text) : null;
  } catch {
    return c.json({ error: invalidField("body", "body must be JSON") }, 400);
  }
  const now = Date.now();
  const parsed = parseShareInput(body, now);
  if (!parsed.ok) return c.json({ error: parsed.error }, 400);
  if ((await sharesOf(c.env.DB, site.id)).length >= MAX_PER_SITE) {
    return c.json({ error: apiError("limit_reached", `a site has at most ${MAX_PER_SITE} shared links`) }, 409);
  }
  const id = randomToken("sh_", 9);
  const token = newShareToken();
  const { views, expiresAt } = parsed.value;
  await c.env.DB.prepare("INSERT INTO shares (id, site_id, token_hash, views, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(id, site.id, await sha256Hex(token), JSON.stringify(views), expiresAt, now).run();
  // The token travels in the fragment: browsers never send it to a server or in a Referer.
  const url = `${new URL(c.req.url).origin}/#share=${token}`;
  return c.json({ id, url, views, expiresAt, createdAt: now } satisfies CreatedShare, 201);
});

shareRoutes.get("/shares", async (c) => c.json({ shares: await sharesOf(c.env.DB, c.get("site").id) } satisfies SharesBody));

shareRoutes.delete("/shares/:id", async (c) => {
  const res = await c.env.DB.prepare("DELETE FROM shares WHERE id = ? AND site_id = ?").bind(c.req.param("id"), c.get("site").id).run();
  if (!res.meta.changes) return c.json({ error: apiError("not_found", "no such shared link", "id") }, 404);
  return c.body(null, 204);
});
