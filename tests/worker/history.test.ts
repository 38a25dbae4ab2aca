// Full history: each buffer flush sends its events, as rows of the documented schema, to the
// history sink (the Pipelines stream in production; here a capture, since wrangler makes send() a
// no-op locally) — retried until it takes them, never in the way of the R2 archive — and the admin
// route streams the same rows back from the archive as NDJSON.
import { env, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { IngestBuffer } from "../../edge/src/ingest/buffer";
import { HISTORY_COLUMNS, HISTORY_SCHEMA_VERSION, historyRow, type HistoryRow } from "../../edge/src/pipeline/history";
import streamSchema from "../../scripts/history-stream.schema.json";
import { BASE, countRows, createSite, sendBatch, waitFor, type TestSite } from "./helpers";

const admin = { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}` };
const DAY = 86_400_000;
const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
const day = (t: number) => new Date(t).toISOString().slice(0, 10);

async function history(site: TestSite, query = ""): Promise<{ status: number; rows: HistoryRow[]; type: string | null }> {
  const res = await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/history${query}`, { headers: admin });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), rows: res.ok ? text.split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [] };
}

/** Puts a sink on the site's only buffer object (ingestShards 1), as the binding would be. */
async function captureOn(site: TestSite, failFirst = 0) {
  const sent: HistoryRow[][] = [];
  let calls = 0;
  const stub = env.INGEST_BUFFER.get(env.INGEST_BUFFER.idFromName(`${site.id}#0`));
  await runInDurableObject(stub, (instance) => {
    (instance as unknown as IngestBuffer).historySinkOverride = {
      async send(rows) {
        calls++;
        if (calls <= failFirst) throw new Error("stream unavailable");
        sent.push(rows);
      },
    };
  });
  return { sent, calls: () => calls, stub };
}

const events = (_site: TestSite) => [
  { type: "page", anonymousId: "anon-1", messageId: "h-1", timestamp: new Date(today - 3 * DAY + 1000).toISOString(), context: { page: { url: "https://shop.example/?utm_source=news&utm_medium=email" } } },
  { type: "track", event: "quote_requested", userId: "u-1", messageId: "h-2", timestamp: new Date(today - DAY + 1000).toISOString(), context: { channel: "phone" }, properties: { plan: "pro" } },
  { type: "track", event: "purchase", userId: "u-1", messageId: "h-3", timestamp: new Date(today + 1000).toISOString(), properties: { revenue: 120 } },
  { type: "page", anonymousId: "bot", messageId: "h-bot", context: { userAgent: "Googlebot/2.1 (+http://www.google.com/bot.html)" } },
];

describe("history sink", () => {
  it("sends each flush's events as schema rows, one per event, bots left out", async () => {
    const site = await createSite({ ingestShards: 1 });
    const capture = await captureOn(site);
    expect((await sendBatch(site, events(site))).status).toBe(200);
    const batches = await waitFor(async () => capture.sent, (s) => s.flat().length >= 3);
    const rows = batches.flat();
    expect(rows.map((r) => r.message_id).sort()).toEqual(["h-1", "h-2", "h-3"]);
    const columns = HISTORY_COLUMNS.map(([name]) => name).sort();
    expect(columns.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual(columns);
      expect(r.schema_version).toBe(HISTORY_SCHEMA_VERSION);
      expect(r.site_id).toBe(site.id);
    }
    const quote = rows.find((r) => r.message_id === "h-2")!;
    expect(quote).toMatchObject({ event: "quote_requested", user_id: "u-1", channel: "phone", channel_explicit: true, ts: new Date(today - DAY + 1000).toISOString() });
    expect(JSON.parse(quote.properties!)).toEqual({ plan: "pro" });
    expect(rows.find((r) => r.message_id === "h-1")).toMatchObject({ channel: "email", source: "news", medium: "email", anonymous_id: "anon-1" });
    expect(rows.find((r) => r.message_id === "h-3")).toMatchObject({ is_conversion: true, revenue: 120 });
  });

  it("retries a failing stream until it takes the rows, and the archive and D1 never wait for it", async () => {
    const site = await createSite({ ingestShards: 1 });
    const capture = await captureOn(site, 2);
    await sendBatch(site, [{ type: "track", event: "x", anonymousId: "a", messageId: "retry-1" }, { type: "track", event: "y", anonymousId: "a", messageId: "retry-2" }]);
    // Stored and archived while the stream still refuses.
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (n) => n === 2);
    expect((await env.ARCHIVE.list({ prefix: `raw/${site.id}/` })).objects.length).toBe(1);
    const got = await waitFor(async () => capture.sent.flat(), (rows) => rows.length >= 2, 30_000);
    expect(capture.calls()).toBeGreaterThanOrEqual(3);
    expect(got.map((r) => r.message_id).sort()).toEqual(["retry-1", "retry-2"]);
    const left = await runInDurableObject(capture.stub, (_i, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM history_outbox").one().n);
    expect(left).toBe(0);
  });

  it("keeps no outbox when the worker has no stream", async () => {
    const site = await createSite({ ingestShards: 1 });
    await sendBatch(site, [{ type: "track", event: "x", anonymousId: "a", messageId: "nosink-1" }]);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (n) => n === 1);
    const stub = env.INGEST_BUFFER.get(env.INGEST_BUFFER.idFromName(`${site.id}#0`));
    const left = await runInDurableObject(stub, (_i, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM history_outbox").one().n);
    expect(left).toBe(0);
  });
});

describe("the stream's schema file (README's setup passes it to wrangler)", () => {
  it("lists every column with its type, required exactly where a row can hold no null", () => {
    const bare = historyRow("s", { messageId: "m", type: "page", event: null, userId: null, anonymousId: "a", previousId: null, ts: 0, receivedAt: 0,
      channel: "web", channelExplicit: false, source: null, medium: null, campaign: null, campaignKey: null, stage: null, isConversion: false,
      revenue: null, path: null, country: null, region: null, device: null, browser: null, os: null, properties: null, context: null });
    expect(streamSchema.fields.map((f) => [f.name, f.type])).toEqual(HISTORY_COLUMNS);
    // anonymous_id or user_id: one of the two is always set, neither always.
    const required = Object.entries(bare).filter(([k, v]) => v !== null && k !== "anonymous_id").map(([k]) => k).sort();
    expect(streamSchema.fields.filter((f) => f.required).map((f) => f.name).sort()).toEqual(required);
  });
});

describe("GET /api/admin/sites/:site/history", () => {
  it("streams the archive as the same rows, each message once, filtered by event day", async () => {
    const site = await createSite({ ingestShards: 1 });
    const capture = await captureOn(site);
    await sendBatch(site, events(site));
    // A retried copy of a message, in a later flush: stored once, listed once.
    await sendBatch(site, [{ type: "track", event: "purchase", userId: "u-1", messageId: "h-3", timestamp: new Date(today + 1000).toISOString(), properties: { revenue: 120 } }]);
    await waitFor(() => countRows("SELECT count(*) AS n FROM ingested_batches WHERE key LIKE ?", `raw/${site.id}/%`), (n) => n >= 1);
    await waitFor(async () => (await history(site)).rows.length, (n) => n >= 3);
    await waitFor(async () => capture.sent.flat().length, (n) => n >= 4);

    const all = await history(site);
    expect(all.status).toBe(200);
    expect(all.type).toMatch(/^application\/x-ndjson/);
    expect(all.rows.map((r) => r.message_id).sort()).toEqual(["h-1", "h-2", "h-3"]);
    // What the route reads back is exactly what the sink was sent. The stream got the retried copy
    // too (a flush cannot know D1 has the message): history queries count distinct message_id.
    const sent = capture.sent.flat();
    for (const r of all.rows) expect(sent.filter((x) => x.message_id === r.message_id)).toContainEqual(r);
    expect(sent.filter((x) => x.message_id === "h-3")).toHaveLength(2);

    const lastTwoDays = await history(site, `?from=${day(today - DAY)}&to=${day(today)}`);
    expect(lastTwoDays.rows.map((r) => r.message_id).sort()).toEqual(["h-2", "h-3"]);
    const oneDay = await history(site, `?from=${day(today - 3 * DAY)}&to=${day(today - 3 * DAY)}`);
    expect(oneDay.rows.map((r) => r.message_id)).toEqual(["h-1"]);
    expect((await history(site, `?from=${day(today + 5 * DAY)}`)).rows).toEqual([]);
  });

  it("answers 400 naming the field, 404 for an unknown site, 401 without the admin token", async () => {
    const site = await createSite();
    for (const [q, field] of [["?from=yesterday", "from"], ["?to=2026-02-30", "to"], ["?from=2026-03-02&to=2026-03-01", "to"]]) {
      const res = await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/history${q}`, { headers: admin });
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
    }
    expect((await SELF.fetch(`${BASE}/api/admin/sites/no-such-site/history`, { headers: admin })).status).toBe(404);
    for (const headers of [{}, { authorization: `Bearer ${site.readToken}` }, { authorization: `Bearer ${site.secretKey}` }] as Record<string, string>[]) {
      expect((await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/history`, { headers })).status).toBe(401);
    }
  });
});
