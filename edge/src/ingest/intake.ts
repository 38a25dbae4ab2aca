// The common end of every ingest route: rate limit, validate and enrich message by message, then
// the durable hand-off to the site's ingest buffer before anyone is told "accepted".
import type { IngestResult } from "@parcours/sdk/wire";
import type { Site } from "../env";
import { acceptMessages, type AcceptOptions } from "./accept";
import { cookielessId, dailySalt } from "./privacy";
import { overLimit } from "./rate-limit";
import { toBuffer } from "./to-buffer";
import { clientIp, fail, requestFacts, type Ctx } from "./request";

export interface Sender {
  site: Site;
  /** A secret key's server: may backfill, its request agent and location are not the end user's. */
  trusted: boolean;
}

export async function takeIn(c: Ctx, raws: unknown[], sender: Sender, opts: Omit<AcceptOptions, "cookielessId"> = {}):
  Promise<IngestResult | { limited: Response }> {
  const wait = await overLimit(c.env, sender.site.id, sender.trusted, clientIp(c), c.req.header("user-agent") ?? "");
  if (wait) {
    c.header("retry-after", String(wait));
    return { limited: fail(c, 429, "rate_limited", `too many requests; retry after ${wait} s`) };
  }
  const f = requestFacts(c, sender.trusted);
  let visitor: Promise<string> | undefined;
  const visitorId = () => (visitor ??= dailySalt(c.env.DB, new Date(f.receivedAt).toISOString().slice(0, 10))
    .then((salt) => cookielessId(salt, sender.site.id, clientIp(c), f.userAgent ?? "")));
  const { result, events, filtered } = await acceptMessages(raws, sender.site, f, { ...opts, cookielessId: visitorId });
  if (events.length || filtered.length) {
    // Durable before the answer: the site's ingest buffer keeps it until it reaches R2 and the queue.
    await toBuffer(c.env, sender.site, f.receivedAt, events, filtered, (p) => c.executionCtx.waitUntil(p));
  }
  return result;
}
