// Dashboard sessions: a signed, expiring cookie naming the sites it opens ("*" for the admin).
// Stateless, so any isolate can check it; HttpOnly + SameSite=Strict, Secure over https.
import { hmacHex, safeEqual } from "./crypto";

export const COOKIE = "parcours_session";
const TTL_MS = 12 * 3600_000;

/**
 * `key` fingerprints the token that opened the session (the read token's stored hash, or the admin
 * token's): rotating that token ends every session it opened.
 */
export interface SessionClaims { sites: string[] | "*"; key: string; exp: number }

const b64url = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const unb64url = (s: string) => atob(s.replace(/-/g, "+").replace(/_/g, "/"));

export async function signSession(secret: string, sites: string[] | "*", key: string, now: number): Promise<string> {
  const body = b64url(JSON.stringify({ sites, key, exp: now + TTL_MS } satisfies SessionClaims));
  return `${body}.${await hmacHex(secret, body)}`;
}

export async function verifySession(secret: string, value: string | undefined, now: number): Promise<SessionClaims | null> {
  if (!value) return null;
  const [body, sig] = value.split(".");
  if (!body || !sig || !safeEqual(sig, await hmacHex(secret, body))) return null;
  try {
    const claims = JSON.parse(unb64url(body)) as SessionClaims;
    return claims.exp > now ? claims : null;
  } catch {
    return null;
  }
}

export function cookieHeader(value: string, secure: boolean, maxAgeS = TTL_MS / 1000): string {
  return `${COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure ? "; Secure" : ""}`;
}
