// Shared links: a token that opens one site's read answers for some dashboard views, no login.
// Its row is read on every request (no cache), so a revoke or an expiry holds at once everywhere.
import type { ShareRow } from "../db/schema";
import type { Share, ShareView } from "../query/api";
import { randomToken, sha256Hex } from "./crypto";

/** Share tokens carry their own prefix, so a request's bearer says which check applies. */
export const SHARE_PREFIX = "psh_";
export const isShareToken = (token: string) => token.startsWith(SHARE_PREFIX);
export const newShareToken = () => randomToken(SHARE_PREFIX);

export type ShareGrant = Share & { siteId: string };

export const toShare = (r: ShareRow): Share => ({ id: r.id, views: r.views as ShareView[], expiresAt: r.expiresAt, createdAt: r.createdAt });

const fromSql = (r: Record<string, unknown>): ShareRow => ({
  id: r.id as string, siteId: r.site_id as string, tokenHash: r.token_hash as string,
  views: JSON.parse(r.views as string) as string[], expiresAt: (r.expires_at as number | null) ?? null, createdAt: r.created_at as number,
});

/** The link's grant, or why it opens nothing. */
export async function shareByToken(db: D1Database, token: string, now: number): Promise<ShareGrant | "revoked" | "expired"> {
  const row = await db.prepare("SELECT * FROM shares WHERE token_hash = ?").bind(await sha256Hex(token)).first();
  if (!row) return "revoked";
  const share = fromSql(row);
  if (share.expiresAt !== null && share.expiresAt <= now) return "expired";
  return { ...toShare(share), siteId: share.siteId };
}

export async function sharesOf(db: D1Database, siteId: string): Promise<Share[]> {
  const { results } = await db.prepare("SELECT * FROM shares WHERE site_id = ? ORDER BY created_at, id").bind(siteId).all();
  return results.map((r) => toShare(fromSql(r)));
}

export const SHARE_REFUSALS = {
  revoked: "this shared link was revoked (or never existed)",
  expired: "this shared link has expired",
} as const;
