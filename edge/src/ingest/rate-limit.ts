// Rate limits on ingest: per site and browser client (a hash of IP and UA, kept only in the
// limiter's memory), and per secret key for server traffic. Over the limit: 429 + Retry-After.
import type { Bindings } from "../env";

const PERIOD_S = 60; // must match wrangler.toml [[ratelimits]] periods

/** FNV-1a: a cheap, non-reversible-enough bucket id; the limiter never sees the raw IP. */
export function clientBucket(ip: string, ua: string): string {
  let h = 0x811c9dc5;
  const s = `${ip}|${ua}`;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

/** Seconds to wait, or 0 when the request may go on. A missing binding means no limit. */
export async function overLimit(env: Bindings, siteId: string, trusted: boolean, ip: string, ua: string): Promise<number> {
  const limiter = trusted ? env.RATE_LIMIT_KEY : env.RATE_LIMIT_CLIENT;
  if (!limiter) return 0;
  const key = trusted ? `k:${siteId}` : `c:${siteId}:${clientBucket(ip, ua)}`;
  const { success } = await limiter.limit({ key });
  return success ? 0 : PERIOD_S;
}
