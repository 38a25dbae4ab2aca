// Sites placed on databases (issue 12 item 2): each site's data lives in the D1 binding its record
// names (DB or SITE_DB_1), a query never reaches another database, and a move copies, verifies,
// switches and deletes while ingest goes on. Everything goes through the real worker, queue and D1.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, createSite, read, sendBatch, waitFor, type TestSite } from "./helpers";
import { copyPage, deleteRows, siteTables, unplacedTables, countRows, type CopyCursor } from "../../edge/src/sites/site-rows";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const base = Date.now() - (Date.now() % DAY) - 5 * DAY + HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const range = `from=${iso(base - DAY)}&to=${iso(base + 10 * DAY)}`;
const admin = { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}`, "content-type": "application/json" };

/**
 * A small omnichannel history: buyers by e-mail then the web, a stalled quote, churners after a
 * ticket, vitals, feedback, a page view, an identify that merges a device into a buyer. Ids carry
 * `tag`, so one site's people never appear in another's answers by chance; message ids do not
 * (two sites may send the same ids: each must store its own).
 */
function history(tag: string, revenueScale: number) {
  let seq = 0;
  const msg = (m: Record<string, unknown>, at: number) => ({ messageId: `m${++seq}`, timestamp: iso(at), ...m });
  const track = (userId: string, event: string, at: number, extra: Record<string, unknown> = {}) => msg({ type: "track", event, userId: `${tag}-${userId}`, ...extra }, at);
  return [
    ...["b1", "b2", "b3"].flatMap((u, i) => [
      track(u, "newsletter_open", base + i * HOUR, { context: { channel: "email", campaign: { name: `${tag}-spring`, source: "newsletter" } } }),
      track(u, "quote_requested", base + i * HOUR + HOUR, { context: { channel: "web" } }),
      track(u, "purchase", base + i * HOUR + 2 * HOUR, { properties: { revenue: revenueScale * (i + 1) + 0.37 } }),
    ]),
    track("q1", "quote_requested", base, { context: { channel: "phone" } }),
    track("c1", "ticket_opened", base), track("c1", "unsubscribe", base + DAY),
    track("c2", "ticket_opened", base + HOUR), track("c2", "unsubscribe", base + DAY),
    track("c3", "newsletter_open", base + HOUR, { context: { channel: "email" } }),
    track("c3", `only_${tag}`, base + 2 * HOUR),
    ...[1000, 3000, 3500, 5000].map((value, i) => track("v1", "web_vital", base + i * HOUR, { properties: { name: "LCP", value, path: "/" } })),
    ...[9, 10, 3].map((score, i) => track(`b${i + 1}`, "feedback", base + 3 * DAY, { properties: { kind: "nps", score, comment: `${tag} fine` } })),
    msg({ type: "page", anonymousId: `${tag}-anon-p`, context: { channel: "social", page: { path: "/pricing", url: "https://shop.example/pricing" } } }, base + 2 * HOUR),
    msg({ type: "page", anonymousId: `${tag}-dev-1`, context: { page: { path: "/cart", url: "https://shop.example/cart" } } }, base + 4 * HOUR),
    msg({ type: "identify", anonymousId: `${tag}-dev-1`, userId: `${tag}-b1`, traits: { plan: "pro" } }, base + 4 * HOUR + 60_000),
  ];
}

/** Read endpoints whose answers must stay the same wherever the site's data lives; each list non-empty. */
const ENDPOINTS: [string, (b: any) => unknown[]][] = [
  ["/overview", (b) => [b.people]],
  ["/timeseries?interval=day", (b) => b.points],
  ["/channels", (b) => b.channels],
  ["/event-names", (b) => b.events],
  ["/events?limit=100", (b) => b.events],
  ["/journeys/stats", (b) => b.histogram],
  ["/funnel?steps=newsletter_open,quote_requested,purchase&breakdown=channel", (b) => b.breakdown],
  ["/paths?to=purchase", (b) => b.sankey.nodes],
  ["/attribution?value=revenue", (b) => Object.keys(b.models.markov)],
  ["/transitions", (b) => b.channels],
  ["/stalled?started=quote_requested&expected=purchase&after=1d", (b) => b.people],
  ["/churn?event=unsubscribe", (b) => b.touchpoints],
  ["/retention?interval=day", (b) => b.cohorts],
  ["/vitals", (b) => b.pages],
  ["/roi", (b) => b.rows],
  ["/feedback?kind=nps", (b) => b.comments],
  ["/segments/value", (b) => b.segment.paths],
  ["/at-risk", (b) => b.people],
];

const get = (site: TestSite, path: string) => read(site, `${path}${path.includes("?") ? "&" : "?"}${range}`);
const adminCall = async (path: string, method = "GET", body?: unknown) => {
  const res = await SELF.fetch(`${BASE}/api/admin${path}`, { method, headers: admin, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: res.status === 204 ? null : await res.json<any>() };
};

const saveSegment = (site: TestSite, body: unknown) => SELF.fetch(`${BASE}/api/sites/${site.id}/segments`,
  { method: "POST", headers: { authorization: `Bearer ${site.readToken}`, "content-type": "application/json" }, body: JSON.stringify(body) });

/** Every answer a site's dashboard and admin would read, keyed by path: read API, timeline, Act, costs, export. */
async function answers(site: TestSite, tag: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [path, items] of ENDPOINTS) {
    const body = await get(site, path);
    expect(items(body).length, path).toBeGreaterThan(0);
    out[path] = body;
  }
  out.timeline = await read(site, `/people/${tag}-b1/timeline`);
  out.segments = await read(site, "/segments");
  // A saved segment narrows a read: its id must still name the same people after a move.
  for (const { id } of (out.segments as { segments: { id: string }[] }).segments) out[`/overview?segment=${id}`] = await get(site, `/overview?segment=${id}`);
  for (const path of ["webhooks", "rules", "alerts", "spend", "unit-costs", `people/${tag}-b2/export`]) {
    out[path] = (await adminCall(`/sites/${site.id}/${path}`)).body;
  }
  return out;
}

const nonZero = (rows: Record<string, number>) => Object.fromEntries(Object.entries(rows).filter(([, n]) => n > 0));

/** Rows of `siteId` per site table in one database (tables with none left out). */
async function rowsIn(db: D1Database, siteId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of await siteTables(db)) {
    const n = await countRows(db, t, siteId);
    if (n) out[t.name] = n;
  }
  return out;
}

async function moveAndWait(site: TestSite, to: string) {
  const started = await adminCall(`/sites/${site.id}/move`, "POST", { database: to });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  expect(started.body.move).toMatchObject({ from: site.database, to, phase: "clean" });
  const done = await waitFor(() => adminCall(`/sites/${site.id}/move`), (r) => ["done", "cancelled", "failed"].includes(r.body.move.phase), 120_000);
  expect(done.body.move.error).toBeUndefined();
  expect(done.body).toMatchObject({ database: to, movingTo: null, move: { phase: "done", to } });
  site.database = to;
  return done.body.move;
}

async function sendAndWait(site: TestSite, events: Record<string, unknown>[], expected: number) {
  expect((await sendBatch(site, events)).status).toBe(200);
  const stored = await waitFor(() => get(site, "/overview"), (o) => o.events === expected);
  expect(stored.events).toBe(expected);
}

describe("sites placed on databases", () => {
  it("every table is either the catalog's or a site's (a move carries all of a site's tables)", async () => {
    expect(await unplacedTables(env.DB)).toEqual([]);
    // What the check would catch: a table with neither a site_id nor a known key (on SITE_DB_1, dropped after).
    const other = env.SITE_DB_1!;
    await other.prepare("CREATE TABLE probe_unplaced (n INTEGER)").run();
    expect(await unplacedTables(other)).toEqual(["probe_unplaced"]);
    expect((await siteTables(other)).map((t) => t.name)).not.toContain("probe_unplaced");
    await other.prepare("DROP TABLE probe_unplaced").run();
    expect(await unplacedTables(other)).toEqual([]);
    const names = (await siteTables(env.DB)).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["events", "sessions", "identities", "person_state", "journeys", "journey_meta",
      "page_engagement", "spend", "unit_costs", "churn_scores", "webhooks", "webhook_deliveries", "act_sent", "act_cursors", "ingested_batches"]));
    expect(names).not.toContain("sites");
    expect(names).not.toContain("shares");
  });

  it("copies and deletes a WITHOUT ROWID table by its key, page after page, every row once", async () => {
    const tables = await siteTables(env.DB);
    const byName = new Map(tables.map((t) => [t.name, t]));
    expect(byName.get("identities")!.key).toEqual(["site_id", "ident_key"]);
    expect(byName.get("journeys")!.key).toEqual(["site_id", "conversion", "end_ts", "person_id", "n"]);
    expect(byName.get("events")!.key).toBeNull();
    // Journeys over three pages of 1,000, two of a person ending at the same millisecond (n 0 and 1),
    // beside another site's rows that must not move.
    const siteId = `keyed-${crypto.randomUUID()}`;
    const rows = Array.from({ length: 2500 }, (_, i) => [siteId, i % 3 ? "purchase" : "signup", 1_700_000_000_000 + (i >> 1), `p${i % 7}`, i % 2, `j${i}`]);
    const insert = (db: D1Database, list: unknown[][]) => db.prepare(`INSERT INTO journeys (site_id, conversion, end_ts, person_id, n, data)
      SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5 FROM json_each(?)`).bind(JSON.stringify(list)).run();
    await insert(env.DB, rows);
    await insert(env.DB, [["other-site", "purchase", 1, "p", 0, "x"]]);
    const journeys = byName.get("journeys")!;
    const target = env.SITE_DB_1!;
    let after: CopyCursor = 0;
    let pages = 0;
    for (let page = await copyPage(env.DB, target, journeys, siteId, after); page.copied > 0; page = await copyPage(env.DB, target, journeys, siteId, after)) {
      after = page.after;
      pages++;
    }
    expect(pages).toBe(3);
    const all = (db: D1Database, site: string) => db.prepare("SELECT site_id, conversion, end_ts, person_id, n, data FROM journeys WHERE site_id = ? ORDER BY data")
      .bind(site).raw();
    const copied = await all(target, siteId);
    expect(copied.length).toBe(rows.length);
    expect(copied).toEqual(await all(env.DB, siteId));
    expect(await all(target, "other-site")).toEqual([]);
    // Deleting in slices says how many rows each took, and leaves the other site's row alone.
    for (const [took, left] of [[1000, 1500], [1000, 500], [500, 0]]) {
      expect(await deleteRows(env.DB, journeys, siteId, 1000)).toBe(took);
      expect(await countRows(env.DB, journeys, siteId)).toBe(left);
    }
    expect((await all(env.DB, "other-site")).length).toBe(1);
  });

  it("places a site where the admin says, or on the least loaded database; refuses an unbound one", async () => {
    const named = await createSite({ database: "SITE_DB_1" });
    expect(named.database).toBe("SITE_DB_1");
    expect((await adminCall(`/sites/${named.id}`)).body.database).toBe("SITE_DB_1");
    const bad = await adminCall("/sites", "POST", { name: "Nowhere", database: "SITE_DB_9" });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "invalid_field", field: "database" });
    const free = await adminCall("/sites", "POST", { name: "Anywhere" });
    expect(free.status).toBe(201);
    expect(["DB", "SITE_DB_1"]).toContain(free.body.database);
    const patched = await adminCall(`/sites/${named.id}`, "PATCH", { database: "DB" });
    expect(patched.status).toBe(400);
    expect(patched.body.error.field).toBe("database");
  });

  describe("two sites on two databases", () => {
    let a: TestSite;
    let b: TestSite;
    const sentA = history("aa", 100);
    const sentB = history("bb", 70).slice(0, -4); // fewer events, so the counts tell the sites apart too

    beforeAll(async () => {
      a = await createSite({ database: "DB" });
      b = await createSite({ database: "SITE_DB_1" });
      await Promise.all([sendAndWait(a, sentA, sentA.length), sendAndWait(b, sentB, sentB.length)]);
    });

    it("keeps each site's rows in its own database only", async () => {
      const aHere = await rowsIn(env.DB, a.id);
      const bHere = await rowsIn(env.SITE_DB_1!, b.id);
      expect(aHere.events).toBe(sentA.length);
      expect(bHere.events).toBe(sentB.length);
      for (const t of ["sessions", "identities", "person_state", "journeys", "ingested_batches"]) {
        expect(aHere[t], t).toBeGreaterThan(0);
        expect(bHere[t], t).toBeGreaterThan(0);
      }
      expect(await rowsIn(env.SITE_DB_1!, a.id)).toEqual({});
      expect(await rowsIn(env.DB, b.id)).toEqual({});
    });

    it("answers every read endpoint with the site's own data only", async () => {
      const [ofA, ofB] = [await answers(a, "aa"), await answers(b, "bb")];
      expect(Object.keys(ofA).length).toBe(ENDPOINTS.length + 8);
      for (const [mine, other] of [[ofA, "bb"], [ofB, "aa"]] as const) {
        for (const [path, body] of Object.entries(mine)) {
          const text = JSON.stringify(body);
          expect(text, path).not.toContain(`${other}-`);
          expect(text, path).not.toContain(`only_${other}`);
        }
      }
      expect((ofA["/overview"] as any).events).toBe(sentA.length);
      expect((ofB["/overview"] as any).events).toBe(sentB.length);
      expect((ofA["/event-names"] as any).events.map((e: any) => e.name)).toContain("only_aa");
      expect((ofB["/event-names"] as any).events.map((e: any) => e.name)).toContain("only_bb");
    });
  });

  it("moving a site keeps every answer identical, and its rows end in the target only", async () => {
    const site = await createSite({ database: "DB" });
    const sent = history("mv", 100);
    await sendAndWait(site, sent, sent.length);
    // Act and costs too: a destination, a rule, an alert, spend and unit costs, stored churn scores.
    // Paused: its sweeps still mark what they found (act_sent, the cursor), but no delivery is
    // attempted, whose retries would change the delivery log between the two readings.
    const hook = await adminCall(`/sites/${site.id}/webhooks`, "POST", { url: "http://127.0.0.1:9/hook", events: ["conversion", "journey.stalled"] });
    expect(hook.status).toBe(201);
    expect((await adminCall(`/sites/${site.id}/webhooks/${hook.body.id}`, "PATCH", { status: "paused" })).status).toBe(200);
    expect((await adminCall(`/sites/${site.id}/rules`, "POST", { name: "quote", started: "quote_requested", expected: "purchase", after: "1d" })).status).toBe(201);
    expect((await adminCall(`/sites/${site.id}/alerts`, "POST", { name: "events", metric: "events", period: "day", below: 1 })).status).toBe(201);
    expect((await adminCall(`/sites/${site.id}/spend`, "PUT", { rows: [{ day: iso(base).slice(0, 10), channel: "email", campaign: "mv-spring", amount: 12.5 }] })).status).toBe(200);
    expect((await adminCall(`/sites/${site.id}/unit-costs`, "PUT", { phone: 4.2 })).status).toBe(200);
    expect((await adminCall(`/sites/${site.id}/maintenance`, "POST")).status).toBe(200);
    expect((await saveSegment(site, { name: "buyers", filter: { did: "purchase" } })).status).toBe(201);

    const before = await answers(site, "mv");
    expect((before["/overview?segment=" + (before.segments as any).segments[0].id] as any).people).toBe(3);
    const rowsBefore = await rowsIn(env.DB, site.id);
    expect(rowsBefore.events).toBe(sent.length);

    // Refused while it lasts: another target, and writes to the site's data.
    const started = await adminCall(`/sites/${site.id}/move`, "POST", { database: "SITE_DB_1" });
    expect(started.status).toBe(202);
    const other = await adminCall(`/sites/${site.id}/move`, "POST", { database: "SITE_DB_2" });
    expect(other.status, JSON.stringify(other.body)).toBe(400);
    const during = await adminCall(`/sites/${site.id}/unit-costs`, "PUT", { phone: 1 });
    expect([200, 409]).toContain(during.status);
    if (during.status === 409) expect(during.body.error.code).toBe("site_moving");
    const segmentDuring = await saveSegment(site, { name: "late", filter: { did: "unsubscribe" } });
    expect(segmentDuring.status).toBe(409);
    const refusal = await segmentDuring.json<any>();
    expect(refusal.error.code).toBe("site_moving");
    // The admin API's writes of the site are refused alike (one middleware), with the same body:
    // a settings edit and a person's erasure (an unknown person: harmless had the move ended).
    for (const [path, method, body] of [[`/sites/${site.id}`, "PATCH", {}], [`/sites/${site.id}/people/nobody`, "DELETE", undefined]] as const) {
      const refused = await adminCall(path, method, body);
      expect(refused.status, `${method} ${path}`).toBe(409);
      expect(refused.body).toEqual(refusal);
    }
    const done = await waitFor(() => adminCall(`/sites/${site.id}/move`), (r) => r.body.move.phase === "done", 120_000);
    expect(done.body).toMatchObject({ database: "SITE_DB_1", movingTo: null });
    site.database = "SITE_DB_1";
    if (during.status === 200) await adminCall(`/sites/${site.id}/unit-costs`, "PUT", { phone: 4.2 }); // it landed before the move began

    expect(await rowsIn(env.SITE_DB_1!, site.id)).toEqual(rowsBefore);
    expect(await rowsIn(env.DB, site.id)).toEqual({});
    expect(nonZero(done.body.move.rows)).toEqual(rowsBefore);
    expect(await answers(site, "mv")).toEqual(before);

    // And back: the fence the first move left in DB opens again for it.
    const back = await moveAndWait(site, "DB");
    expect(nonZero(back.rows)).toEqual(rowsBefore);
    expect(await rowsIn(env.DB, site.id)).toEqual(rowsBefore);
    expect(await rowsIn(env.SITE_DB_1!, site.id)).toEqual({});
    expect(await answers(site, "mv")).toEqual(before);
    const late = history("mv", 100).map((m, i) => ({ ...m, messageId: `late-${i}` })).slice(0, 3);
    await sendAndWait(site, late, sent.length + late.length);
  }, 300_000);

  it("ingest during a move loses nothing and stores nothing twice", async () => {
    const site = await createSite({ database: "SITE_DB_1" });
    const first = history("in", 100);
    await sendAndWait(site, first, first.length);
    const started = await adminCall(`/sites/${site.id}/move`, "POST", { database: "DB" });
    expect(started.status).toBe(202);
    // Sent while the move runs: new messages, and the first batch again (a client's retry).
    const during = Array.from({ length: 6 }, (_, k) => history("in", 100).map((m, i) => ({ ...m, messageId: `during-${k}-${i}` })));
    for (const batch of [...during, first]) expect((await sendBatch(site, batch)).status).toBe(200);
    const expected = first.length + during.flat().length;
    const done = await waitFor(() => adminCall(`/sites/${site.id}/move`), (r) => r.body.move.phase === "done", 120_000);
    expect(done.body.database).toBe("DB");
    site.database = "DB";
    const stored = await waitFor(() => get(site, "/overview"), (o) => o.events === expected, 60_000);
    expect(stored.events).toBe(expected);
    const { n, uniq } = (await env.DB.prepare("SELECT count(*) AS n, count(DISTINCT message_id) AS uniq FROM events WHERE site_id = ?")
      .bind(site.id).first<{ n: number; uniq: number }>())!;
    expect(n).toBe(expected);
    expect(uniq).toBe(expected);
    expect(await rowsIn(env.SITE_DB_1!, site.id)).toEqual({});
  }, 300_000);

  it("cancelling a move leaves the site where it was, its copied rows gone from the target", async () => {
    const site = await createSite({ database: "DB" });
    const sent = history("cx", 100);
    await sendAndWait(site, sent, sent.length);
    const before = await answers(site, "cx");
    const rowsBefore = await rowsIn(env.DB, site.id);
    expect((await adminCall(`/sites/${site.id}/move`, "POST", { database: "SITE_DB_1" })).status).toBe(202);
    const cancelled = await adminCall(`/sites/${site.id}/move`, "POST", { database: "DB" });
    expect(cancelled.status).toBe(202);
    expect(cancelled.body.move).toMatchObject({ phase: "cancelled", from: "DB", to: "SITE_DB_1" });
    const after = await adminCall(`/sites/${site.id}/move`);
    expect(after.body).toMatchObject({ database: "DB", movingTo: null });
    await waitFor(() => rowsIn(env.SITE_DB_1!, site.id), (r) => Object.keys(r).length === 0, 60_000);
    expect(await rowsIn(env.SITE_DB_1!, site.id)).toEqual({});
    expect(await rowsIn(env.DB, site.id)).toEqual(rowsBefore);
    expect(await answers(site, "cx")).toEqual(before);
    // The source is open again: new events are stored there.
    const more = history("cx", 100).map((m, i) => ({ ...m, messageId: `after-${i}` })).slice(0, 2);
    await sendAndWait(site, more, sent.length + more.length);
    expect((await rowsIn(env.DB, site.id)).events).toBe(sent.length + more.length);
  }, 300_000);

  it("refuses a move to an unbound database or to where the site is", async () => {
    const site = await createSite({ database: "DB" });
    for (const database of ["SITE_DB_7", "sites", "DB"]) {
      const r = await adminCall(`/sites/${site.id}/move`, "POST", { database });
      expect(r.status, database).toBe(400);
      expect(r.body.error.field).toBe("database");
    }
    expect((await adminCall(`/sites/nope/move`, "POST", { database: "SITE_DB_1" })).status).toBe(404);
  });
});

