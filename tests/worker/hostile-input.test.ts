// Hostile input on every ingest route, through the real worker, queue, D1 and R2: nothing crashes
// (no 5xx), every refusal names its reason (a 4xx, or a per-message rejection naming the field),
// valid neighbours are kept and stored exactly once, the accepted count is the stored count, and
// strings are data, never code or object keys that reach Object.prototype.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { BASE, basic, countRows, createSite, sendBatch, waitFor, type TestSite } from "./helpers";

const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0";

const post = (path: string, body: string | ReadableStream, headers: Record<string, string> = {}) =>
  SELF.fetch(`${BASE}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

/** A body sent the way a server sends (secret key, trusted) or a browser does (write key, origin checked). */
function sender(site: TestSite, trusted: boolean) {
  return (path: string, body: Record<string, unknown>) => trusted
    ? post(path, JSON.stringify(body), { authorization: basic(site.secretKey) })
    : post(path, JSON.stringify({ ...body, writeKey: site.writeKey }), { origin: "https://shop.example", "user-agent": BROWSER_UA, "content-type": "text/plain" });
}

/** Messages stored for a site, counting the bot-filtered ones: a message is in one table or the other. */
const storedIds = (siteId: string) => countRows(
  "SELECT count(*) AS n FROM (SELECT message_id FROM events WHERE site_id = ?1 UNION SELECT message_id FROM filtered_events WHERE site_id = ?1)", siteId);

const SQL = "'); DROP TABLE events;--";
const HTML = "<img src=x onerror=alert(1)><script>alert(1)</script>";
// Strings that break naive code: SQL, HTML, NUL, a lone surrogate, RTL override, ZWJ emoji, proto
// keys, numbers and dates in strings, a string over the 32 KB message limit.
const nastyString = fc.oneof(
  fc.constantFrom(SQL, HTML, "\u0000", "a\u0000b", "\ud800", "x\udfff", "\u202e\u05e9\u05dc\u05d5\u05dd", "👩‍👩‍👧‍👦".repeat(20),
    "__proto__", "constructor", "prototype", "toString", "", " ", "NaN", "1e309", "-0", "2026-13-45T99:99:99Z",
    "0000-01-01T00:00:00Z", "+275760-09-13T00:00:00.000Z", "9".repeat(17), "x".repeat(300), "x".repeat(40_000)),
  fc.string({ unit: "binary", maxLength: 20 }),
);
// Any JSON value for any field: the wrong type is the point.
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.integer(), fc.double({ noNaN: true }), fc.constantFrom(0, -1, 1e20, 8.64e15 + 1, -8.64e15, Number.MAX_SAFE_INTEGER),
  fc.boolean(), fc.constant(null),
  fc.array(nastyString, { maxLength: 3 }),
  fc.dictionary(nastyString, nastyString, { maxKeys: 3 }),
);
const FIELDS = ["type", "event", "messageId", "userId", "anonymousId", "previousId", "groupId", "timestamp", "sentAt", "properties", "traits", "context", "name"] as const;
const mutations = fc.array(fc.record({ field: fc.constantFrom(...FIELDS), value: nasty }), { minLength: 1, maxLength: 4 });

/**
 * The fields a refusal may name after these mutations: the mutated ones, plus those a mutation
 * makes required or moves (a new type wants its own ids; a missing anonymousId asks for a userId;
 * a sentAt shifts the corrected timestamp; a context carries context.channel).
 */
function nameable(mutated: Iterable<string>): Set<string> {
  const may = new Set(mutated);
  if (may.has("type")) for (const f of ["event", "previousId", "groupId", "userId"]) may.add(f);
  if (may.has("anonymousId")) may.add("userId");
  if (may.has("sentAt")) may.add("timestamp");
  if (may.has("context")) may.add("context.channel");
  return may;
}

/** A refusal that says why: a known code, a message, and, for a field error, one it may name. */
function expectReason(error: { code: string; message: string; field?: string }, may: Set<string>, label: string) {
  expect(error.message.length, label).toBeGreaterThan(0);
  if (error.code === "message_too_large") return; // the whole message: no one field to name
  expect(["invalid_field", "unauthorized"], label).toContain(error.code);
  expect(may, `${label}: named ${error.field}`).toContain(error.field);
}

/** The id a message is stored under: its own, or (none given) one derived from its unique content. */
const storedIdOf = (m: Record<string, unknown>, fallback: string) =>
  typeof m.messageId === "string" && m.messageId !== "" ? m.messageId
    : typeof m.messageId === "number" && Number.isFinite(m.messageId) ? String(m.messageId) : fallback;

describe("property: hostile messages through every Segment route", () => {
  it("a batch keeps its valid neighbours, rejects only the hostile one with the field, and stores what it accepts once", async () => {
    const site = await createSite();
    let run = 0;
    const expected = new Set<string>();
    await fc.assert(fc.asyncProperty(mutations, fc.boolean(), async (muts, trusted) => {
      run++;
      // "x-run" is not a field the worker reads, but it makes each run's content (and content id) unique.
      const hostile: Record<string, unknown> = { type: "track", event: "h", anonymousId: "h", "x-run": run };
      for (const { field, value } of muts) hostile[field] = value;
      const good = (i: number) => ({ type: "track", event: "ok", anonymousId: `good-${run}`, messageId: `good-${run}-${i}` });
      const res = await sender(site, trusted)("/v1/batch", { batch: [good(0), hostile, good(1)] });
      expect(res.status).toBe(200);
      const body = await res.json<any>();
      expect(body.accepted + body.rejected.length).toBe(3);
      for (const r of body.rejected) {
        expect(r.index).toBe(1); // only the hostile one may be refused
        expectReason(r.error, nameable(muts.map((m) => m.field)), JSON.stringify(muts).slice(0, 200));
        if (typeof hostile.messageId === "string" && hostile.messageId !== "") expect(r.messageId).toBe(hostile.messageId);
      }
      expected.add(`good-${run}-0`).add(`good-${run}-1`);
      if (body.accepted === 3) expected.add(storedIdOf(hostile, `content-${run}`));
    }), { numRuns: 50 });
    // Accepted equals stored: every good neighbour and every accepted hostile message, once.
    const stored = await waitFor(() => storedIds(site.id), (n) => n >= expected.size);
    expect(stored).toBe(expected.size);
    expect(await countRows("SELECT count(*) AS n FROM events WHERE site_id = ? AND message_id LIKE 'good-%'", site.id)).toBe(2 * run);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("a single-message route answers 200, naming the field of a refused message, and stores what it accepts", async () => {
    const site = await createSite();
    let run = 0;
    const expected = new Set<string>();
    await fc.assert(fc.asyncProperty(fc.constantFrom("track", "page", "screen", "identify", "alias", "group"), mutations, fc.boolean(),
      async (type, muts, trusted) => {
        run++;
        // Everything any type needs, so only a mutation can make it invalid; the route fixes the type.
        const msg: Record<string, unknown> = { event: "h", anonymousId: `a-${run}`, userId: `u-${run}`, previousId: `p-${run}`, groupId: "g", "x-run": run };
        for (const { field, value } of muts) msg[field] = value;
        const res = await sender(site, trusted)(`/v1/${type}`, msg);
        const body = await res.json<any>();
        // A batch of one: the refusal is in `rejected`; a 400 would be the request's own fault.
        const refused = res.status === 400 ? body.error : body.rejected?.[0]?.error;
        if (refused) {
          if (res.status !== 400) expect(body).toMatchObject({ accepted: 0, rejected: [{ index: 0 }] });
          const may = nameable(muts.map((m) => m.field).filter((f) => f !== "type")); // the route fixes the type
          expectReason(refused, may, `${type} ${JSON.stringify(muts).slice(0, 200)}`);
        } else {
          expect(res.status).toBe(200);
          expect(body).toMatchObject({ accepted: 1, rejected: [] });
          expected.add(storedIdOf(msg, `content-${run}`));
        }
      }), { numRuns: 50 });
    expect(await waitFor(() => storedIds(site.id), (n) => n >= expected.size)).toBe(expected.size);
  });
});

describe("property: hostile Plausible bodies and e-mail links", () => {
  it("POST /api/event answers 202 or a 4xx naming the field, and stores each distinct accepted event", async () => {
    const host = `plausible-${crypto.randomUUID().slice(0, 8)}.example`;
    const site = await createSite({ allowedOrigins: [`https://${host}`] });
    let run = 0;
    let accepted = 0;
    const PFIELDS = ["name", "url", "domain", "referrer", "props", "revenue"] as const;
    await fc.assert(fc.asyncProperty(fc.array(fc.record({ field: fc.constantFrom(...PFIELDS), value: nasty }), { minLength: 1, maxLength: 3 }),
      async (muts) => {
        run++;
        const b: Record<string, unknown> = { name: "signup", url: `https://${host}/p?run=${run}`, domain: host, referrer: "https://ref.example/", props: { plan: "pro" } };
        for (const { field, value } of muts) b[field] = value;
        const res = await post("/api/event", JSON.stringify(b), { "user-agent": BROWSER_UA });
        expect(res.status, JSON.stringify(muts).slice(0, 200)).toBeLessThan(500);
        if (res.status === 202) {
          // Each accepted request is one event: Plausible sends no ids and never retries.
          accepted++;
          return;
        }
        const mutated = muts.map((m) => m.field as string);
        expect([400, 401]).toContain(res.status);
        if (res.status === 401) expect(mutated).toContain("domain"); // only an unknown domain is unauthorized
        // name becomes the message's event, props and revenue its properties: a refusal names those.
        const may = new Set([...mutated, ...(mutated.includes("name") ? ["event"] : []),
          ...(mutated.includes("revenue") ? ["revenue.amount", "revenue.currency"] : []),
          ...(mutated.some((f) => f === "props" || f === "revenue") ? ["properties"] : [])]);
        expectReason((await res.json<any>()).error, may, JSON.stringify(muts).slice(0, 200));
      }), { numRuns: 40 });
    expect(accepted).toBeGreaterThan(0);
    expect(await waitFor(() => storedIds(site.id), (n) => n >= accepted)).toBe(accepted);
  });

  it("GET /t/o.gif and /t/c never fail, and /t/c redirects only to a listed host", async () => {
    const site = await createSite({ redirectHosts: ["shop.example"] });
    const param = fc.oneof(fc.constant(undefined), nastyString.filter((s) => s.length < 5000));
    const target = fc.oneof(param, fc.constantFrom("https://shop.example/x", "https://evil.example/", "//evil.example", "https://shop.example@evil.example/"),
      fc.webUrl().map((u) => u.replace(/^(https?:\/\/)/, "$1shop.example.")));
    await fc.assert(fc.asyncProperty(param, param, target, async (u, c, to) => {
      const q = new URLSearchParams({ k: site.writeKey });
      if (u !== undefined) q.set("u", u);
      if (c !== undefined) q.set("c", c);
      const open = await SELF.fetch(`${BASE}/t/o.gif?${q}`);
      expect(open.status).toBeLessThan(500);
      if (open.status === 200) expect(open.headers.get("content-type")).toBe("image/gif");
      else expectReason((await open.json<any>()).error, new Set(["u"]), `o.gif ${q}`);
      if (to !== undefined) q.set("to", to);
      const click = await SELF.fetch(`${BASE}/t/c?${q}`, { redirect: "manual" });
      expect(click.status).toBeLessThan(500);
      const location = click.headers.get("location");
      if (click.status === 302) expect(new URL(location!).hostname).toBe("shop.example");
      else {
        expect(location).toBeNull();
        expectReason((await click.json<any>()).error, new Set(["u", "to"]), `t/c ${q}`);
      }
    }), { numRuns: 40 });
  });
});

describe("corpus: malformed requests to every ingest route", () => {
  const routes = ["/v1/batch", "/v1/track", "/v1/page", "/v1/screen", "/v1/identify", "/v1/alias", "/v1/group", "/api/event"];
  const bodies: [string, string][] = [
    ["empty body", ""], ["broken JSON", "{\"batch\": ["], ["a string", "\"hello\""], ["a number", "42"], ["null", "null"],
    ["an array", "[1,2,3]"], ["deep nesting", "[".repeat(5000) + "]".repeat(5000)],
    ["deep object", "{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000)],
    ["a lone surrogate", "{\"batch\":[{\"type\":\"track\",\"event\":\"\\ud800\",\"userId\":\"u\"}]}"],
    ["batch as an object", "{\"batch\":{\"0\":{}}}"], ["batch of non-objects", "{\"batch\":[1,\"x\",null,[]]}"],
    ["__proto__ at the top", "{\"__proto__\":{\"polluted\":1},\"batch\":[],\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\"}"],
    ["constructor.prototype", "{\"constructor\":{\"prototype\":{\"polluted\":1}},\"batch\":[]}"],
    ["NUL bytes", "{\"batch\":[{\"type\":\"track\",\"event\":\"e\u0000\",\"userId\":\"\u0000\"}]}"],
    ["not UTF-8", "{\"batch\":[{\"type\":\"track\",\"event\":\"\xff\xfe\",\"userId\":\"u\"}]}"],
  ];
  it.each(routes)("%s answers every malformed body with a 4xx or a per-message reason, never a 5xx", async (route) => {
    const site = await createSite({ allowedOrigins: ["https://corpus.example"] });
    for (const [name, body] of bodies) {
      const res = await post(route, body, { authorization: basic(site.secretKey) });
      expect(res.status, `${route} ${name}`).toBeLessThan(500);
      const text = await res.text();
      if (res.status >= 400) expect(JSON.parse(text).error.code, `${route} ${name}`).toMatch(/^[a-z_]+$/);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  // Each row: a field set to a wrong value, and the field the refusal must name.
  const long = "x".repeat(257);
  const deep = (n: number): unknown => (n === 0 ? 1 : { a: deep(n - 1) });
  const wrong: [string, unknown, string][] = [
    ["type", 5, "type"], ["type", "bogus", "type"], ["type", ["track"], "type"], ["type", null, "type"],
    ["event", 5, "event"], ["event", true, "event"], ["event", {}, "event"], ["event", long, "event"], ["event", "", "event"], ["event", "\ud800", "event"],
    ...(["messageId", "anonymousId", "userId"] as const).flatMap((f): [string, unknown, string][] =>
      [[f, true, f], [f, [], f], [f, {}, f], [f, long, f], [f, "ok\udc00", f]]),
    ["properties", "a string", "properties"], ["properties", 5, "properties"], ["properties", [1], "properties"], ["properties", deep(17), "properties"],
    ["traits", "a string", "traits"], ["traits", true, "traits"],
    ["context", "a string", "context"], ["context", [], "context"], ["context", deep(17), "context"],
    ["context", { channel: "two words" }, "context.channel"], ["context", { channel: 5 }, "context.channel"], ["context", { channel: "x".repeat(33) }, "context.channel"],
    ["timestamp", "yesterday", "timestamp"], ["timestamp", true, "timestamp"], ["timestamp", {}, "timestamp"], ["timestamp", [], "timestamp"],
    ["timestamp", "x".repeat(65), "timestamp"],
    // Far past and far future, as ISO, as epoch ms, and as the largest dates JavaScript knows.
    ["timestamp", "1999-12-31T23:59:59Z", "timestamp"], ["timestamp", 0, "timestamp"], ["timestamp", -8.64e15, "timestamp"],
    ["timestamp", "+275760-09-13T00:00:00.000Z", "timestamp"], ["timestamp", 8.64e15, "timestamp"], ["timestamp", 1e300, "timestamp"],
    ["timestamp", new Date(Date.now() + 2 * 86_400_000).toISOString(), "timestamp"],
    ["sentAt", "not a date", "sentAt"], ["sentAt", false, "sentAt"],
    ["name", 5, "name"], ["name", long, "name"],
  ];
  it("names the field of every wrong type, over-long string and out-of-range time, and keeps the neighbours", async () => {
    const site = await createSite();
    const batch = wrong.map(([field, value], i) => ({ type: "track", event: "e", userId: "u", messageId: `wrong-${i}`, [field]: value }));
    batch.push({ type: "track", event: "e", userId: "u", messageId: "neighbour" });
    const body = await (await sendBatch(site, batch)).json<any>();
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((r: any) => [r.index, r.error.field])).toEqual(wrong.map(([, , field], i) => [i, field]));
    expect(await waitFor(() => storedIds(site.id), (n) => n === 1)).toBe(1);
  });

  it("reads numbers where strings are expected and strings where numbers are, as documented", async () => {
    const site = await createSite();
    const t = Date.now() - 60_000;
    const res = await sendBatch(site, [
      { type: "track", event: "purchase", userId: 42, anonymousId: 7.5, messageId: 1001, timestamp: String(t), properties: { revenue: "12.50" } },
      { type: "track", event: "purchase", userId: "u", messageId: "num-2", properties: { revenue: "twelve" } },
    ]);
    expect(await res.json()).toMatchObject({ accepted: 2, rejected: [] });
    await waitFor(() => storedIds(site.id), (n) => n === 2);
    const rows = (await env.DB.prepare("SELECT message_id, user_id, anonymous_id, ts, revenue FROM events WHERE site_id = ? ORDER BY message_id").bind(site.id).all()).results;
    expect(rows).toEqual([
      { message_id: "1001", user_id: "42", anonymous_id: "7.5", ts: t, revenue: 12.5 },
      { message_id: "num-2", user_id: "u", anonymous_id: null, ts: expect.any(Number), revenue: null },
    ]);
  });

  it("lets a secret key backfill far back (after 2000), but not before 2000 nor past tomorrow", async () => {
    const site = await createSite();
    const res = await sendBatch(site, [
      { type: "track", event: "old", userId: "u", messageId: "y2001", timestamp: "2001-01-01T00:00:00Z" },
      { type: "track", event: "old", userId: "u", messageId: "y1970", timestamp: "1970-01-01T00:00:00Z" },
      // A sentAt far in the future makes the corrected time far in the past: still refused.
      { type: "track", event: "old", userId: "u", messageId: "skew", timestamp: new Date().toISOString(), sentAt: "2999-01-01T00:00:00Z" },
    ]);
    const body = await res.json<any>();
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((r: any) => [r.messageId, r.error.field])).toEqual([["y1970", "timestamp"], ["skew", "timestamp"]]);
    await waitFor(() => storedIds(site.id), (n) => n === 1);
    expect(await env.DB.prepare("SELECT ts FROM events WHERE message_id = 'y2001' AND site_id = ?").bind(site.id).first("ts")).toBe(Date.UTC(2001, 0, 1));
  });

  it("answers an empty batch with nothing accepted, and a batch of non-objects message by message", async () => {
    const site = await createSite();
    expect(await (await sendBatch(site, [])).json()).toEqual({ accepted: 0, rejected: [], filtered: 0 });
    const body = await (await sendBatch(site, [1, "x", null, [], true, { type: "page", userId: "u", messageId: "the-object" }])).json<any>();
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([0, 1, 2, 3, 4].map((index) => ({ index, error: expect.objectContaining({ code: "invalid_message" }) })));
    expect(await waitFor(() => storedIds(site.id), (n) => n === 1)).toBe(1);
  });

  /** A /v1/batch body of exactly `bytes` bytes: messages padded by `pad` characters, then one that fills the rest. */
  function batchBody(bytes: number, pad: number, prefix: string): { body: string; count: number } {
    const msg = (i: number, p: number) => JSON.stringify({ type: "page", userId: "u", messageId: `${prefix}-${i}`, ...(p > 0 ? { properties: { p: "x".repeat(p) } } : {}) });
    const msgs: string[] = [];
    let size = "{\"batch\":[]}".length; // plus, per message, its length and a comma (one too many: the last has none)
    for (let m = msg(0, pad); size + m.length + 1 + 200 <= bytes; m = msg(msgs.length, pad)) {
      msgs.push(m);
      size += m.length + 1;
    }
    msgs.push(msg(msgs.length, bytes - size - msg(msgs.length, 1).length + 1));
    const body = `{"batch":[${msgs.join(",")}]}`;
    expect(new TextEncoder().encode(body).length).toBe(bytes);
    return { body, count: msgs.length };
  }

  it("takes a 499 KB batch, of big or of tiny messages, and stores every message it accepts", async () => {
    const site = await createSite();
    // Tiny messages enrich to several times their size: the case that used to overflow a buffer row.
    for (const [pad, prefix] of [[30_000, "big"], [0, "tiny"]] as const) {
      const { body, count } = batchBody(499 * 1024, pad, prefix);
      const res = await post("/v1/batch", body, { authorization: basic(site.secretKey) });
      expect(res.status, prefix).toBe(200);
      expect(await res.json(), prefix).toMatchObject({ accepted: count, rejected: [] });
      const stored = () => countRows("SELECT count(*) AS n FROM events WHERE site_id = ? AND message_id LIKE ?", site.id, `${prefix}-%`);
      expect(await waitFor(stored, (n) => n === count, 30_000), prefix).toBe(count);
    }
  });

  it("refuses a 501 KB body with 413, declared or streamed, and stores none of it", async () => {
    const site = await createSite();
    const { body } = batchBody(501 * 1024, 30_000, "over");
    const declared = await post("/v1/batch", body, { authorization: basic(site.secretKey) });
    expect(declared.status).toBe(413);
    expect((await declared.json<any>()).error.code).toBe("payload_too_large");
    // No content-length: the limit must hold on the bytes actually read.
    const bytes = new TextEncoder().encode(body);
    const stream = new ReadableStream({ start(c) { for (let i = 0; i < bytes.length; i += 64 * 1024) c.enqueue(bytes.slice(i, i + 64 * 1024)); c.close(); } });
    expect((await post("/v1/batch", stream, { authorization: basic(site.secretKey) })).status).toBe(413);
    for (const route of ["/v1/track", "/api/event"]) expect((await post(route, body)).status, route).toBe(413);
    await new Promise((r) => setTimeout(r, 500)); // a flush would have happened by now
    expect(await storedIds(site.id)).toBe(0);
  });

  it("keeps SQL and HTML in every field as data, and the tables stay", async () => {
    const site = await createSite();
    const evil = `${SQL}${HTML}`;
    await sendBatch(site, [{ type: "track", event: evil, userId: evil, anonymousId: evil, messageId: evil,
      properties: { [evil]: evil, nested: [evil] }, context: { page: { url: `https://shop.example/?q=${encodeURIComponent(evil)}`, path: evil, referrer: evil },
        campaign: { name: evil, source: evil, medium: evil } } }]);
    await waitFor(() => storedIds(site.id), (n) => n === 1);
    const row = await env.DB.prepare("SELECT message_id, event, user_id, anonymous_id, path, campaign, source, properties FROM events WHERE site_id = ?").bind(site.id).first<any>();
    expect(row).toMatchObject({ message_id: evil, event: evil, user_id: evil, anonymous_id: evil, path: evil, campaign: evil, source: SQL.toLowerCase() + HTML.toLowerCase() });
    expect(JSON.parse(row.properties)).toEqual({ [evil]: evil, nested: [evil] });
    // The read API gives it back unchanged (JSON-escaped, never interpreted).
    const { events } = await (await SELF.fetch(`${BASE}/api/sites/${site.id}/events`, { headers: { authorization: `Bearer ${site.readToken}` } })).json<any>();
    expect(events[0]).toMatchObject({ event: evil, userId: evil, messageId: evil });
    const tables = (await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).results.map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(["events", "sites", "sessions", "identities"]));
  });

  it("stores unicode edge cases verbatim, and refuses lone surrogates in ids and names only", async () => {
    const site = await createSite();
    const strings = ["\u202eRTL\u202c \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627", "👩‍👩‍👧‍👦🏳️‍🌈💥", "a\u0000b", "e\u0301\u0301\u0301", "\ufeff\u200b", "𝕏".repeat(100)];
    const batch = strings.map((s, i) => ({ type: "track", event: s, userId: s, messageId: `uni-${i}-${s}`, properties: { [s]: s } }));
    batch.push({ type: "track", event: "lone", userId: "u", messageId: "uni-lone", properties: { k: "\ud800", "\udfff": 1 } } as any);
    batch.push({ type: "track", event: "lone", userId: "u", messageId: "\ud800" } as any, { type: "track", event: "\udbff", userId: "u", messageId: "uni-x" } as any);
    const body = await (await sendBatch(site, batch)).json<any>();
    expect(body.accepted).toBe(strings.length + 1);
    expect(body.rejected.map((r: any) => r.error.field)).toEqual(["messageId", "event"]);
    await waitFor(() => storedIds(site.id), (n) => n === strings.length + 1);
    const { results } = await env.DB.prepare("SELECT message_id, event, user_id, properties FROM events WHERE site_id = ? AND message_id != 'uni-lone'").bind(site.id).all<any>();
    expect(results.map((r) => [r.event, r.user_id, JSON.parse(r.properties)]).sort()).toEqual(strings.map((s) => [s, s, { [s]: s }]).sort());
    // Inside properties a lone surrogate survives as JSON's \ud800 escape.
    const lone = await env.DB.prepare("SELECT properties FROM events WHERE site_id = ? AND message_id = 'uni-lone'").bind(site.id).first<string>("properties");
    expect(JSON.parse(lone!)).toEqual({ k: "\ud800", "\udfff": 1 });
  });

  it("treats __proto__ and constructor as plain keys and event names: no pollution, no crash", async () => {
    const site = await createSite({ stages: { purchase: "decision" } });
    const proto = "{\"__proto__\":{\"polluted\":\"yes\"},\"constructor\":{\"prototype\":{\"polluted\":\"yes\"}}}";
    const raw = (id: string, event: string) => `{"type":"track","event":"${event}","userId":"u","messageId":"${id}","properties":${proto},` +
      `"traits":${proto},"context":{"__proto__":{"polluted":"yes"},"page":${proto},"campaign":{"clickIds":${proto}}}}`;
    // Event names that are Object.prototype's own keys once read the stage map through the prototype.
    const names = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"];
    const res = await post("/v1/batch", `{"__proto__":{"polluted":"yes"},"batch":[${names.map((n, i) => raw(`proto-${i}`, n)).join(",")}]}`,
      { authorization: basic(site.secretKey) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: names.length, rejected: [] });
    const plausible = await post("/api/event", `{"name":"__proto__","url":"https://shop.example/","domain":"${site.id}","props":${proto}}`);
    expect(plausible.status).toBe(202);
    await waitFor(() => storedIds(site.id), (n) => n === names.length + 1);
    const rows = (await env.DB.prepare("SELECT message_id, event, stage, properties FROM events WHERE site_id = ? AND message_id LIKE 'proto-%' ORDER BY message_id").bind(site.id).all<any>()).results;
    expect(rows.map((r) => [r.event, r.stage])).toEqual(names.map((n) => [n, null]));
    // The keys are kept as data, own keys of the stored object.
    for (const r of rows) expect(Object.keys(JSON.parse(r.properties)).sort()).toEqual(["__proto__", "constructor"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("refuses the e-mail endpoints' bad parameters with 4xx", async () => {
    const site = await createSite();
    for (const q of ["", "k=nope&u=x", `k=${site.writeKey}`, `k=${site.writeKey}&u=${"x".repeat(300)}`]) {
      const open = await SELF.fetch(`${BASE}/t/o.gif?${q}`);
      expect(open.status, q).toBeGreaterThanOrEqual(400);
      expect(open.status, q).toBeLessThan(500);
    }
    for (const to of ["", "not a url", "ftp://shop.example/x", "https://shop.example:8443.evil.example/", "https:\\\\evil.example"]) {
      const res = await SELF.fetch(`${BASE}/t/c?k=${site.writeKey}&u=x&to=${encodeURIComponent(to)}`, { redirect: "manual" });
      expect(res.status, to).toBe(400);
      expect(res.headers.get("location"), to).toBeNull();
    }
  });
});
