// What every ingest protocol reads from a request the same way: the body within the size limit,
// the facts enrich needs, the sender's address for the limiter, and the error answer.
import type { Context } from "hono";
import { MAX_REQUEST_BYTES } from "@parcours/sdk/wire";
import type { AppEnv, Site } from "../env";
import { apiError } from "../errors";
import { originAllowed } from "../auth/origin";
import type { RequestFacts } from "./enrich";

export type Ctx = Context<AppEnv>;

export const fail = (c: Ctx, status: 400 | 401 | 403 | 404 | 413 | 429, code: string, message: string, field?: string) =>
  c.json({ error: apiError(code, message, field) }, status);

/** Reads the body as JSON within the request limit; answers 413/400 itself when it cannot. */
export async function readJson(c: Ctx): Promise<{ body: unknown } | { error: Response }> {
  const declared = Number(c.req.header("content-length") ?? 0);
  if (declared > MAX_REQUEST_BYTES) return { error: fail(c, 413, "payload_too_large", `request is over ${MAX_REQUEST_BYTES} bytes`) };
  const buf = await c.req.arrayBuffer();
  if (buf.byteLength > MAX_REQUEST_BYTES) return { error: fail(c, 413, "payload_too_large", `request is over ${MAX_REQUEST_BYTES} bytes`) };
  try {
    return { body: JSON.parse(new TextDecoder().decode(buf)) };
  } catch {
    return { error: fail(c, 400, "invalid_json", "body is not valid JSON") };
  }
}

export function requestFacts(c: Ctx, trusted: boolean): RequestFacts {
  const cf = (c.req.raw as { cf?: { country?: string; regionCode?: string } }).cf;
  return {
    userAgent: c.req.header("user-agent") ?? null,
    country: cf?.country ?? null,
    region: cf?.regionCode ?? null,
    receivedAt: Date.now(),
    trusted,
  };
}

export const clientIp = (c: Ctx) => c.req.header("cf-connecting-ip") ?? c.req.header("x-forwarded-for")?.split(",")[0].trim() ?? "";

/** CORS for a page of the site: only an origin the site allows may read the answer. */
export function allowSiteOrigin(c: Ctx, site: Site) {
  const origin = c.req.header("origin");
  if (origin && originAllowed(origin, site.settings.allowedOrigins)) {
    c.header("access-control-allow-origin", origin);
    c.header("vary", "Origin");
    // A 429's wait must be readable by the page's library (analytics.js honours it).
    c.header("access-control-expose-headers", "retry-after");
  }
}
