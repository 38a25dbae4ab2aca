// Privacy at the edge. A message sent in cookieless mode, or carrying a Global Privacy Control /
// Do Not Track signal, gets no persistent identifier: its anonymousId becomes a salted hash of
// site, IP and UA under a random salt that rotates daily and is deleted after two days
// (Plausible's scheme), so a visitor can be followed within a day and never across days.
import { hmacHex, randomToken } from "../auth/crypto";
import { isPlainObject } from "../lib/guards";
import type { ValidMessage } from "./validate";

const saltCache = new Map<string, string>();

export function wantsCookieless(m: ValidMessage): boolean {
  const p = m.context.privacy;
  return isPlainObject(p) && (p.cookieless === true || p.gpc === true || p.dnt === true);
}

/** Today's salt, created on first use; all isolates agree through D1. */
export async function dailySalt(db: D1Database, day: string): Promise<string> {
  const hit = saltCache.get(day);
  if (hit) return hit;
  await db.prepare("INSERT INTO salts (day, salt) VALUES (?, ?) ON CONFLICT (day) DO NOTHING").bind(day, randomToken("", 32)).run();
  const row = await db.prepare("SELECT salt FROM salts WHERE day = ?").bind(day).first<{ salt: string }>();
  saltCache.clear(); // only today's is ever needed
  saltCache.set(day, row!.salt);
  return row!.salt;
}

export async function cookielessId(salt: string, siteId: string, ip: string, ua: string): Promise<string> {
  return "c-" + (await hmacHex(salt, `${siteId}|${ip}|${ua}`)).slice(0, 24);
}

/**
 * Rewrites a message to carry no persistent identity: the daily visitor id replaces the device's
 * anonymousId, and identify/alias — which would link the visitor to a person — are dropped.
 */
export function withoutPersistentId(m: ValidMessage, visitorId: string): ValidMessage | null {
  if (m.type === "identify" || m.type === "alias") return null;
  return { ...m, anonymousId: visitorId, userId: null, traits: null };
}
