// GET /api/admin/sites/:site/history?from=YYYY-MM-DD&to=YYYY-MM-DD — the site's full history read
// back from the R2 archive as NDJSON rows of the history schema (pipeline/history.ts), the same
// rows the Pipelines stream receives: what `npm run history` loads into DuckDB. Streamed, so a long
// range never sits in memory; each message once (the archive may hold a retried copy); bots and
// other filtered messages are not events and are left out. Dates are UTC days of event time,
// both included; without them, everything.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { apiError } from "../errors";
import { siteNow } from "../sites/catalog";
import { historyRow } from "../pipeline/history";
import type { QueuePayload } from "../pipeline/payload";

export const historyRoutes = new Hono<AppEnv>();

const DAY_MS = 86_400_000;
// Future timestamps are refused past a day of skew, so an event of day D reached the archive no
// earlier than D - 1: listing can start two days before `from`.
const LISTING_SLACK_MS = 2 * DAY_MS;

function parseDay(v: string | undefined): number | null | undefined {
  if (v === undefined || v === "") return undefined;
  if (!/^\d{4}-\d\d-\d\d$/.test(v)) return null;
  const t = Date.parse(`${v}T00:00:00Z`);
  return Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== v ? null : t;
}

async function* archivedLines(archive: R2Bucket, prefix: string, startAfter: string | undefined): AsyncGenerator<string> {
  let cursor: string | undefined;
  do {
    const list = await archive.list({ prefix, cursor, startAfter: cursor ? undefined : startAfter, limit: 1000 });
    cursor = list.truncated ? list.cursor : undefined;
    for (const o of list.objects) {
      const obj = await archive.get(o.key);
      if (obj) for (const line of (await obj.text()).split("\n")) if (line) yield line;
    }
  } while (cursor);
}

historyRoutes.get("/sites/:site/history", async (c) => {
  const site = await siteNow(c.env.DB, c.req.param("site"));
  if (!site) return c.json({ error: apiError("not_found", "no such site", "site") }, 404);
  const from = parseDay(c.req.query("from"));
  const to = parseDay(c.req.query("to"));
  if (from === null) return c.json({ error: apiError("invalid_field", "from must be a day, YYYY-MM-DD", "from") }, 400);
  if (to === null) return c.json({ error: apiError("invalid_field", "to must be a day, YYYY-MM-DD", "to") }, 400);
  if (from !== undefined && to !== undefined && to < from) return c.json({ error: apiError("invalid_field", "to is before from", "to") }, 400);
  const lo = from ?? -Infinity;
  const hi = to === undefined ? Infinity : to + DAY_MS;
  const prefix = `raw/${site.id}/`;
  const startAfter = from === undefined ? undefined : prefix + new Date(from - LISTING_SLACK_MS).toISOString().slice(0, 10);
  const archive = c.env.ARCHIVE;
  const seen = new Set<string>();
  const lines = archivedLines(archive, prefix, startAfter);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      // One archive line (a queue payload of up to ~100 KB) per pull keeps memory flat.
      for (;;) {
        const next = await lines.next();
        if (next.done) return controller.close();
        const payload = JSON.parse(next.value) as QueuePayload;
        let out = "";
        for (const e of payload.events) {
          if (e.ts < lo || e.ts >= hi || seen.has(e.messageId)) continue;
          seen.add(e.messageId);
          out += JSON.stringify(historyRow(site.id, e)) + "\n";
        }
        if (out) return controller.enqueue(encoder.encode(out));
      }
    },
  });
  return c.body(body, 200, { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" });
});
