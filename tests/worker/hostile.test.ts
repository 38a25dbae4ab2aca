// Hostile input on every ingest route: nothing crashes (no 5xx), every refusal names its reason,
// valid neighbours are kept and stored exactly once, and strings are data, never code.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { BASE, basic, countRows, createSite, sendBatch, waitFor } from "./helpers";

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  SELF.fetch(`${BASE}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

// Anything JSON can carry, including the nasty cases, as a value for any field.
const nasty = fc.oneof(
  fc.constantFrom("'); DROP TABLE events;--", "<img src=x onerror=alert(1)>", "\u0000", "\ud800", "\u202e", "💥".repeat(50),
    "__proto__", "constructor", "x".repeat(5000), "", " ", "NaN", "1e309", "2026-13-45T99:99:99Z"),
  fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
);
const FIELDS = ["type", "event", "messageId", "userId", "anonymousId", "previousId", "groupId", "timestamp", "sentAt", "properties", "traits", "context", "name"];

describe("property: a batch of hostile messages around valid ones", () => {
  it("never answers 5xx, rejects per message with a reason, and stores every valid neighbour once", async () => {
    const site = await createSite();
    let run = 0;
    let expected = 0;
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ field: fc.constantFrom(...FIELDS), value: nasty }), { minLength: 1, maxLength: 4 }),
      async (mutations) => {
        run++;
        const hostile: Record<string, unknown> = { type: "track", event: "h", anonymousId: "h", messageId: `hostile-${run}` };
        for (const { field, value } of mutations) hostile[field] = value;
        const good = (i: number) => ({ type: "track", event: "ok", anonymousId: `good-${run}`, messageId: `good-${run}-${i}` });
        const res = await sendBatch(site, [good(0), hostile, good(1)]);
        expect(res.status).toBe(200);
        const body = await res.json<any>();
        expect(body.accepted + body.rejected.length).toBe(3);
        for (const r of body.rejected) {
          expect(r.index).toBe(1); // only the hostile one may be refused
          expect(r.error.code).toMatch(/^[a-z_]+$/);
          expect(r.error.message.length).toBeGreaterThan(0);
        }
        expected += 2;
        return true;
      }), { numRuns: 40 });
    // Every good neighbour is stored, once.
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ? AND message_id LIKE 'good-%'", site.id), (n) => n === expected);
    expect(await countRows("SELECT count(DISTINCT message_id) AS n FROM events WHERE site_id = ? AND message_id LIKE 'good-%'", site.id)).toBe(expected);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("corpus: malformed requests to every ingest route", () => {
  const routes = ["/v1/batch", "/v1/track", "/v1/page", "/v1/screen", "/v1/identify", "/v1/alias", "/v1/group", "/api/event"];
  const bodies: [string, string][] = [
    ["empty body", ""], ["broken JSON", "{\"batch\": ["], ["a string", "\"hello\""], ["a number", "42"], ["null", "null"],
    ["an array", "[1,2,3]"], ["deep nesting", "[".repeat(5000) + "]".repeat(5000)],
    ["a lone surrogate", "{\"batch\":[{\"type\":\"track\",\"event\":\"\\ud800\",\"userId\":\"u\"}]}"],
    ["batch as an object", "{\"batch\":{\"0\":{}}}"], ["batch of non-objects", "{\"batch\":[1,\"x\",null,[]]}"],
  ];
  it.each(routes)("%s answers every malformed body with a 4xx or a per-message reason, never a 5xx", async (route) => {
    const site = await createSite({ allowedOrigins: ["https://corpus.example"] });
    for (const [name, body] of bodies) {
      const res = await post(route, body, { authorization: basic(site.secretKey) });
      expect(res.status, `${route} ${name}`).toBeLessThan(500);
      const text = await res.text();
      if (res.status >= 400) expect(JSON.parse(text).error.code, `${route} ${name}`).toMatch(/^[a-z_]+$/);
    }
  });

  it("takes a 499 KB batch and refuses a 501 KB one with 413", async () => {
    const site = await createSite();
    const batchOf = (bytes: number) => {
      const msgs = [];
      for (let i = 0; i < Math.floor(bytes / 25_000); i++) msgs.push({ type: "track", event: "big", userId: "u", messageId: `big-${bytes}-${i}`, properties: { pad: "x".repeat(24_000) } });
      return JSON.stringify({ batch: msgs });
    };
    const ok = await post("/v1/batch", batchOf(499 * 1024), { authorization: basic(site.secretKey) });
    expect(ok.status).toBe(200);
    const tooBig = JSON.stringify({ batch: [{ type: "track", event: "big", userId: "u", properties: { pad: "x".repeat(501 * 1024) } }] });
    expect((await post("/v1/batch", tooBig, { authorization: basic(site.secretKey) })).status).toBe(413);
  });

  it("keeps SQL and HTML as data", async () => {
    const site = await createSite();
    const evil = "'); DROP TABLE events;--<script>alert(1)</script>";
    await sendBatch(site, [{ type: "track", event: evil, userId: evil, messageId: "sql-1", properties: { [evil]: evil } }]);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (n) => n === 1);
    const row = await env.DB.prepare("SELECT event, user_id, properties FROM events WHERE message_id = 'sql-1'").first<any>();
    expect(row.event).toBe(evil);
    expect(row.user_id).toBe(evil);
    expect(JSON.parse(row.properties)[evil]).toBe(evil);
  });

  it("refuses the e-mail endpoints' bad parameters with 4xx", async () => {
    const site = await createSite();
    for (const q of ["", "k=nope&u=x", `k=${site.writeKey}`, `k=${site.writeKey}&u=${"x".repeat(300)}`]) {
      const open = await SELF.fetch(`${BASE}/t/o.gif?${q}`);
      expect(open.status, q).toBeGreaterThanOrEqual(400);
      expect(open.status, q).toBeLessThan(500);
    }
    for (const to of ["", "not a url", "ftp://shop.example/x", "https://shop.example@evil.example/", "https://evil.example/?https://shop.example", "https://shop.example:8443.evil.example/", "https:\\\\evil.example"]) {
      const res = await SELF.fetch(`${BASE}/t/c?k=${site.writeKey}&u=x&to=${encodeURIComponent(to)}`, { redirect: "manual" });
      expect(res.status, to).toBe(400);
      expect(res.headers.get("location"), to).toBeNull();
    }
  });
});
