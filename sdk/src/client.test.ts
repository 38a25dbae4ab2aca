import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createClient } from "./client";
import { memoryStorage } from "./storage";
import type { BatchBody } from "./wire";

interface Received {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: BatchBody;
}

/** A stand-in edge that answers each request with the next scripted status (then 200). */
function fakeEdge() {
  const received: Received[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk) => (text += chunk));
    req.on("end", () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body: JSON.parse(text) });
      res.writeHead(statuses.shift() ?? 200, { "Content-Type": "application/json" }).end('{"accepted":1,"rejected":[]}');
    });
  });
  return {
    received,
    statuses,
    start: () => new Promise<string>((ok) => server.listen(0, "127.0.0.1", () => ok(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    stop: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const ids = (r: Received) => r.body.batch.map((m) => m.messageId);
const until = async (check: () => boolean, ms = 5000) => {
  for (const end = Date.now() + ms; !check(); ) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
};

let edge: ReturnType<typeof fakeEdge>;
let endpoint: string;
beforeEach(async () => {
  edge = fakeEdge();
  endpoint = await edge.start();
});
afterEach(() => edge.stop());

// Large enough that only flush(), flushAt or a retry sends: the tests decide when.
const quiet = { writeKey: "wk", flushInterval: 60_000 };

describe("createClient in Node", () => {
  it("sends Segment messages as text/plain to /v1/batch with the write key in the body", async () => {
    const client = createClient({ ...quiet, endpoint: endpoint + "/", channel: "store", context: { app: { name: "till" } } });
    client.track("purchase", { revenue: 42 });
    client.identify("u1", { email: "a@b.c" });
    client.page({ path: "/checkout" });
    client.screen("Basket", { items: 2 });
    client.group("g1", { plan: "pro" });
    client.alias("u2");
    await client.flush();

    expect(edge.received).toHaveLength(1);
    const [request] = edge.received;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/v1/batch");
    expect(request.headers["content-type"]).toMatch(/^text\/plain/);
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body.writeKey).toBe("wk");
    expect(request.body.sentAt).toMatch(ISO);

    const [track, identify, page, screen, group, alias] = request.body.batch;
    const anonymousId = track.anonymousId;
    expect(anonymousId).toMatch(/^[0-9a-f-]{36}$/);
    expect(track).toEqual({
      type: "track",
      event: "purchase",
      properties: { revenue: 42 },
      messageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      anonymousId,
      userId: null,
      timestamp: expect.stringMatching(ISO),
      sentAt: request.body.sentAt,
      context: {
        library: { name: "@parcours/sdk", version: expect.any(String) },
        locale: expect.any(String),
        timezone: expect.any(String),
        channel: "store",
        app: { name: "till" },
      },
    });
    expect(identify).toMatchObject({ type: "identify", traits: { email: "a@b.c" }, anonymousId, userId: "u1" });
    expect(page).toMatchObject({ type: "page", properties: { path: "/checkout" }, userId: "u1" });
    expect(screen).toMatchObject({ type: "screen", name: "Basket", properties: { items: 2 } });
    expect(group).toMatchObject({ type: "group", groupId: "g1", traits: { plan: "pro" } });
    expect(alias).toMatchObject({ type: "alias", previousId: "u1", userId: "u2", anonymousId });
    expect(new Set(ids(request)).size).toBe(6);
  });

  it("keeps a batch the edge failed, resends the same messages once, and never again", async () => {
    edge.statuses.push(503);
    const client = createClient({ ...quiet, endpoint });
    client.track("a");
    client.track("b");
    await client.flush();
    await client.flush();
    await client.flush();

    expect(edge.received).toHaveLength(2);
    expect(ids(edge.received[1])).toEqual(ids(edge.received[0]));
    expect(edge.received[1].body.sentAt >= edge.received[0].body.sentAt).toBe(true);
  });

  it("retries by itself after a backoff when nobody calls flush()", async () => {
    edge.statuses.push(500);
    const client = createClient({ ...quiet, endpoint, flushAt: 1 });
    client.track("a");
    await until(() => edge.received.length == 2);
    expect(ids(edge.received[1])).toEqual(ids(edge.received[0]));
  });

  it("drops a batch the edge refuses as malformed (4xx) instead of retrying it forever", async () => {
    edge.statuses.push(400);
    const client = createClient({ ...quiet, endpoint });
    client.track("a");
    await client.flush();
    await client.flush();
    expect(edge.received).toHaveLength(1);
  });

  it("sends what a previous run could not, on the next start, with the same ids", async () => {
    const storage = memoryStorage();
    edge.statuses.push(503);
    const first = createClient({ ...quiet, endpoint, storage });
    first.track("offline");
    await first.flush();

    const second = createClient({ ...quiet, endpoint, storage });
    await until(() => edge.received.length == 2);
    await second.flush();
    expect(edge.received).toHaveLength(2);
    expect(ids(edge.received[1])).toEqual(ids(edge.received[0]));
    expect(edge.received[1].body.batch[0].anonymousId).toBe(edge.received[0].body.batch[0].anonymousId);
  });

  it("sends as soon as flushAt messages wait", async () => {
    const client = createClient({ ...quiet, endpoint, flushAt: 3 });
    client.track("a");
    client.track("b");
    client.track("c");
    await until(() => edge.received.length == 1);
    expect(edge.received[0].body.batch.map((m) => (m as { event: string }).event)).toEqual(["a", "b", "c"]);
  });

  it("in consent mode sends and stores nothing until consent(true)", async () => {
    const storage = memoryStorage();
    const client = createClient({ ...quiet, endpoint, storage, requireConsent: true });
    client.track("before");
    await client.flush();
    expect(edge.received).toHaveLength(0);
    expect(storage.getItem("parcours_aid")).toBeNull();

    client.consent(true);
    client.track("after");
    await client.flush();
    expect(edge.received.flatMap((r) => r.body.batch.map((m) => (m as { event: string }).event))).toEqual(["before", "after"]);
    expect(storage.getItem("parcours_aid")).toBe(edge.received[0].body.batch[0].anonymousId);
  });

  it("consent(false) drops what waits and forgets the stored ids", async () => {
    const storage = memoryStorage();
    const client = createClient({ ...quiet, endpoint, storage });
    client.identify("u1");
    client.consent(false);
    client.track("after refusal");
    await client.flush();
    expect(edge.received).toHaveLength(0);
    expect([storage.getItem("parcours_aid"), storage.getItem("parcours_uid"), storage.getItem("parcours_queue")]).toEqual([null, null, null]);
  });

  it.each([
    ["persists the anonymous id across restarts", false, true],
    ["cookieless: stores nothing and starts a new id each time", true, false],
  ])("%s", async (_, cookieless, same) => {
    const storage = memoryStorage();
    for (const run of [1, 2]) {
      const client = createClient({ ...quiet, endpoint, storage, cookieless });
      client.track("run " + run);
      await client.flush();
    }
    const [a, b] = edge.received.map((r) => r.body.batch[0].anonymousId);
    expect(a == b).toBe(same);
    expect(storage.getItem("parcours_aid") != null).toBe(same);
  });

  it("reset() starts a new anonymous id without a user id", async () => {
    const client = createClient({ ...quiet, endpoint });
    client.identify("u1");
    client.reset();
    client.track("after logout");
    await client.flush();
    const [identify, track] = edge.received[0].body.batch;
    expect(track.userId).toBeNull();
    expect(track.anonymousId).not.toBe(identify.anonymousId);
  });

  it("authenticates server sources with the secret key (HTTP Basic)", async () => {
    const client = createClient({ ...quiet, endpoint, secretKey: "sk" });
    client.track("a");
    await client.flush();
    expect(edge.received[0].headers.authorization).toBe("Basic " + Buffer.from("sk:").toString("base64"));
  });

  it("works with an AsyncStorage-like storage (React Native)", async () => {
    const data = new Map<string, string>();
    const storage = {
      getItem: async (k: string) => data.get(k) ?? null,
      setItem: async (k: string, v: string) => void data.set(k, v),
      removeItem: async (k: string) => void data.delete(k),
    };
    const client = createClient({ ...quiet, endpoint, storage, channel: "app" });
    client.identify("u1");
    client.screen("Home");
    await client.flush();
    expect(edge.received[0].body.batch.map((m) => [m.type, m.userId, m.context?.channel])).toEqual([
      ["identify", "u1", "app"],
      ["screen", "u1", "app"],
    ]);
    expect(data.get("parcours_uid")).toBe("u1");
  });
});
