// Test helpers that go through the real public API only.
import { env, SELF } from "cloudflare:test";

export const BASE = "http://parcours.test";

export interface TestSite { id: string; writeKey: string; secretKey: string; readToken: string; database: string }

let n = 0;
/**
 * A site through the admin API. Its data goes to DB unless `database` says otherwise, so tests that
 * look at rows through env.DB find them there (site-databases.test.ts places sites on both).
 */
export async function createSite(body: Record<string, unknown> = {}): Promise<TestSite> {
  const res = await SELF.fetch(`${BASE}/api/admin/sites`, {
    method: "POST",
    headers: { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name: `Test ${++n}`, allowedOrigins: ["https://shop.example"], conversions: ["purchase"],
      stages: { quote_requested: "consideration", purchase: "decision" }, redirectHosts: ["shop.example"], database: "DB", ...body }),
  });
  if (res.status !== 201) throw new Error(`createSite: ${res.status} ${await res.text()}`);
  return res.json();
}

export const basic = (key: string) => `Basic ${btoa(`${key}:`)}`;

export function sendBatch(site: TestSite, batch: unknown[], init: { headers?: Record<string, string> } = {}) {
  return SELF.fetch(`${BASE}/v1/batch`, {
    method: "POST",
    headers: { authorization: basic(site.secretKey), "content-type": "application/json", ...init.headers },
    body: JSON.stringify({ batch }),
  });
}

export async function read<T = any>(site: TestSite, path: string): Promise<T> {
  const res = await SELF.fetch(`${BASE}/api/sites/${site.id}${path}`, { headers: { authorization: `Bearer ${site.readToken}` } });
  if (!res.ok) throw new Error(`read ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Storage is asynchronous (queue): poll until `done` holds or time runs out. */
export async function waitFor<T>(get: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last = await get();
  while (!done(last) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    last = await get();
  }
  return last;
}

export const countRows = async (sql: string, ...binds: unknown[]) =>
  (await env.DB.prepare(sql).bind(...binds).first<{ n: number }>())!.n;

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const iso = (ms: number) => new Date(ms).toISOString();
/** The start of today (UTC): data sets are laid out in whole days before it. */
export const todayUtc = () => Date.now() - (Date.now() % DAY);

/** Segment messages with ids `<prefix>1`, `<prefix>2`… (unique within a test file). */
export function messageMaker(prefix: string) {
  let seq = 0;
  const msg = (m: Record<string, unknown>, at: number) => ({ messageId: `${prefix}${++seq}`, timestamp: iso(at), ...m });
  const track = (userId: string, event: string, at: number, extra: Record<string, unknown> = {}) => msg({ type: "track", event, userId, ...extra }, at);
  return { msg, track };
}
