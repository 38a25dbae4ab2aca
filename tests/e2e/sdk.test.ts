// The script tag end to end: a real headless Chromium loads a page from one origin whose
// <script src> points at the real worker (another origin), and we read back what the worker
// stored through its read API. Storage goes through a queue, so reads poll.
import { existsSync, mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM script without types
import { startServer } from "../../scripts/dev-server.mjs";
import { desktopUserAgent, eventually as poll, launchChromium, READ, storedEvents, type StoredEvent } from "./harness";

const ROOT = path.resolve(import.meta.dirname, "../..");
const RUN = Date.now().toString(36);

let worker: { url: string; stop(): Promise<void> };
/** The worker's local D1 and queues: a restarted worker picks them up again. */
let persistDir: string;
let site: { server: Server; url: string };
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Every request the page sent to the worker's ingest, and every preflight (there must be none). */
let sent: Request[];

/**
 * The site under test. `?attrs=data-vitals data-hash` adds switches to the script tag; `?stub=1`
 * queues calls with the documented snippet before s.js loads.
 */
function servePages(workerUrl: string) {
  const server = createServer((req, res) => {
    const url = new URL(req.url!, "http://x");
    const attrs = url.searchParams.get("attrs") ?? "";
    const stub = url.searchParams.has("stub")
      ? `<script>window.parcours=window.parcours||function(){(window.parcours.q=window.parcours.q||[]).push(arguments)};
         parcours("track","stub_called",{run:"${RUN}"});</script>`
      : "";
    res.writeHead(200, { "Content-Type": "text/html" }).end(`<!doctype html><html><head><title>Page ${url.pathname}</title>
      ${stub}<script defer src="${workerUrl}/s.js" data-key="demo-write-key" ${attrs}></script></head>
      <body><h1>Parcours test ${url.pathname}</h1><p>${"Some text to paint. ".repeat(50)}</p>
      <a id="out" href="https://example.org/">out</a> <a id="file" href="/files/price-list.pdf">pdf</a></body></html>`);
  });
  return new Promise<{ server: Server; url: string }>((ok) =>
    server.listen(0, "127.0.0.1", () => ok({ server, url: `http://localhost:${(server.address() as AddressInfo).port}` })),
  );
}

const events = () => storedEvents(worker.url);
/** Polls the read API until `pick` finds what it wants among the stored events (up to ~10 s). */
const eventually = <T>(pick: (events: StoredEvent[]) => T | undefined | false, ms = 10_000) => poll(events, pick, ms);

const anonymousIdOf = (p: Page) => p.waitForFunction(() => JSON.parse(localStorage.parcours || "0")?.[0]?.anonymousId).then((h) => h.jsonValue() as Promise<string>);
const ofVisitor = (id: string) => (e: StoredEvent) => e.anonymousId == id;
const ready = (p: Page) => p.waitForFunction(() => typeof (window as { parcours?: { track?: unknown } }).parcours?.track == "function");

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, "edge/public/s.js"))) throw new Error("run `npm run build -w sdk` first");
  persistDir = mkdtempSync(path.join(tmpdir(), "parcours-e2e-"));
  worker = await startServer({ port: 8790 + Math.floor(Math.random() * 100), persistDir });
  site = await servePages(worker.url);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  site?.server.close();
  await worker?.stop();
});

beforeEach(async () => {
  // A fresh context per test: its own localStorage, so a new visitor.
  context = await browser.newContext({ userAgent: desktopUserAgent(browser) });
  page = await context.newPage();
  sent = [];
  page.on("request", (r) => {
    if (r.url().startsWith(worker.url) && (r.url().endsWith("/v1/batch") || r.method() == "OPTIONS")) sent.push(r);
  });
});

// text/plain is a CORS-safelisted type: not one test may have needed an OPTIONS preflight.
afterEach(async () => {
  expect(sent.filter((r) => r.method() == "OPTIONS").map((r) => r.url())).toEqual([]);
  await context.close();
});

describe("script tag s.js against the real worker", () => {
  it("records the landing page view with the UTM-derived channel, in a preflight-free text/plain POST", async () => {
    await page.goto(`${site.url}/landing?utm_source=newsletter&utm_medium=email&utm_campaign=spring-${RUN}`);
    const visitor = await anonymousIdOf(page);
    const view = await eventually((all) => all.find((e) => ofVisitor(visitor)(e) && e.type == "page"));
    expect(view.channel).toBe("email");

    const [request] = sent;
    expect(sent.every((r) => r.method() == "POST")).toBe(true);
    expect(request.url()).toBe(`${worker.url}/v1/batch`);
    expect(request.headers()["content-type"]).toBe("text/plain;charset=UTF-8");
    const body = JSON.parse(request.postData()!);
    expect(Object.keys(body).sort()).toEqual(["batch", "sentAt", "writeKey"]);
    expect(body.writeKey).toBe("demo-write-key");
    expect(body.batch[0]).toMatchObject({
      type: "page",
      messageId: view.messageId,
      anonymousId: visitor,
      userId: null,
      context: {
        library: { name: "parcours.js" },
        page: { path: "/landing", title: "Page /landing", url: expect.stringContaining("utm_medium=email") },
        campaign: { source: "newsletter", medium: "email", name: `spring-${RUN}` },
        userAgent: expect.stringContaining("Chrome"),
      },
    });
    expect(body.batch[0].context.channel).toBeUndefined();
  });

  it("records SPA navigations (pushState) as page views, once each", async () => {
    await page.goto(`${site.url}/app`);
    await ready(page);
    await page.evaluate(() => {
      history.pushState({}, "", "/app/step-2");
      history.replaceState({}, "", "/app/step-2?tab=1"); // same page: no new view
      history.pushState({}, "", "/app/step-3");
    });
    const visitor = await anonymousIdOf(page);
    const views = await eventually((all) => {
      const mine = all.filter((e) => ofVisitor(visitor)(e) && e.type == "page");
      return mine.length >= 3 && mine;
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await events()).filter((e) => ofVisitor(visitor)(e) && e.type == "page")).toHaveLength(views.length);
    const paths = sent.flatMap((r) => JSON.parse(r.postData()!).batch.map((m: { context: { page: { path: string } } }) => m.context.page.path));
    expect(paths).toEqual(["/app", "/app/step-2", "/app/step-3"]);
  });

  it("replays calls queued by the stub before s.js loaded, and sends custom events", async () => {
    await page.goto(`${site.url}/stub?stub=1`);
    await ready(page);
    await page.evaluate((run) => (window as any).parcours.track("quote_requested", { run, amount: 1200 }), RUN);
    const visitor = await anonymousIdOf(page);
    const [stubbed, custom] = await eventually((all) => {
      const mine = all.filter(ofVisitor(visitor));
      const pair = [mine.find((e) => e.event == "stub_called"), mine.find((e) => e.event == "quote_requested")];
      return pair.every(Boolean) && pair;
    });
    expect(stubbed!.properties).toEqual({ run: RUN });
    expect(custom!).toMatchObject({ type: "track", properties: { run: RUN, amount: 1200 } });
  });

  it("stitches earlier anonymous page views into the person's timeline on identify", async () => {
    const userId = `user-${RUN}`;
    await page.goto(`${site.url}/browse`);
    const visitor = await anonymousIdOf(page);
    await eventually((all) => all.some(ofVisitor(visitor)));
    await page.evaluate((id) => (window as any).parcours.identify(id, { email: "e2e@example.org" }), userId);

    const end = Date.now() + 10_000;
    let body: { personId: string; userIds: string[]; anonymousIds: string[]; events: StoredEvent[] } | undefined;
    while (Date.now() < end) {
      const res = await fetch(`${worker.url}/api/sites/demo/people/${userId}/timeline`, { headers: READ });
      if (res.ok) {
        body = await res.json();
        if (body!.events.some((e) => e.type == "page") && body!.events.some((e) => e.type == "identify")) break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(body?.userIds).toContain(userId);
    expect(body?.anonymousIds).toContain(visitor);
    const views = body!.events.filter((e) => e.type == "page");
    expect(views.length).toBeGreaterThanOrEqual(1);
    expect(views.every((e) => e.anonymousId == visitor && e.personId == body!.personId)).toBe(true);
  });

  it("keeps an event tracked offline and delivers it exactly once after reconnecting", async () => {
    await page.goto(`${site.url}/offline`);
    const visitor = await anonymousIdOf(page);
    await eventually((all) => all.some(ofVisitor(visitor)));
    await context.setOffline(true);
    await page.evaluate(() => (window as any).parcours.track("offline_event"));
    // Let the send fail at least once while offline.
    await page.waitForFunction(() => JSON.parse(localStorage.parcours)[1].length == 1);
    await new Promise((r) => setTimeout(r, 2000));
    await context.setOffline(false);

    await eventually((all) => all.some((e) => ofVisitor(visitor)(e) && e.event == "offline_event"));
    await new Promise((r) => setTimeout(r, 3000));
    expect((await events()).filter((e) => ofVisitor(visitor)(e) && e.event == "offline_event")).toHaveLength(1);
    expect(await page.evaluate(() => JSON.parse(localStorage.parcours)[1])).toEqual([]);
  });

  it("sends what is still waiting when the visitor leaves the page (sendBeacon on pagehide)", async () => {
    await page.goto(`${site.url}/leave`);
    await ready(page);
    const visitor = await anonymousIdOf(page);
    // Tracked and left in one go: the 1 s batching timer never fires on this page.
    await Promise.all([
      page.waitForURL("**/elsewhere"),
      page.evaluate(() => {
        (window as any).parcours.track("left_page");
        location.href = "/elsewhere";
      }),
    ]);
    const left = await eventually((all) => all.find((e) => ofVisitor(visitor)(e) && e.event == "left_page"));
    expect(left.type).toBe("track");
  });

  it("tracks outbound links and file downloads when asked to", async () => {
    await page.goto(`${site.url}/links`);
    await ready(page);
    // Not asked: l.js is not loaded.
    expect(await page.evaluate(() => [...document.scripts].map((s) => s.src))).toEqual([`${worker.url}/s.js`]);
    await page.goto(`${site.url}/links?attrs=data-outbound%20data-downloads`);
    await ready(page);
    // l.js comes from beside s.js, once it has run.
    await page.waitForFunction((src) => [...document.scripts].some((s) => s.src == src), `${worker.url}/l.js`);
    const visitor = await anonymousIdOf(page);
    await page.route("https://example.org/**", (route) => route.fulfill({ body: "ok" }));
    await page.route("**/files/**", (route) => route.fulfill({ body: "pdf" }));
    await page.click("#file");
    await page.goto(`${site.url}/links?attrs=data-outbound%20data-downloads`);
    await page.click("#out");
    await page.waitForURL("https://example.org/");
    const [download, outbound] = await eventually((all) => {
      const mine = all.filter(ofVisitor(visitor));
      const pair = [mine.find((e) => e.event == "file_download"), mine.find((e) => e.event == "outbound_link")];
      return pair.every(Boolean) && pair;
    });
    expect(download!.properties).toEqual({ url: `${site.url}/files/price-list.pdf` });
    expect(outbound!.properties).toEqual({ url: "https://example.org/" });
  });

  it("loads v.js only with data-vitals and reports web_vital events", async () => {
    await page.goto(`${site.url}/plain`);
    await ready(page);
    expect(await page.evaluate(() => [...document.scripts].some((s) => s.src.endsWith("/v.js")))).toBe(false);

    await page.goto(`${site.url}/fast?attrs=data-vitals`);
    const visitor = await anonymousIdOf(page);
    await page.waitForFunction(() => [...document.scripts].some((s) => s.src.endsWith("/v.js")));
    await page.click("h1"); // an interaction finalises LCP and gives INP a value
    await new Promise((r) => setTimeout(r, 500));
    await page.goto(`${site.url}/after-vitals`); // hidden -> CLS, INP, LCP report; pagehide sends them
    const vitals = await eventually((all) => {
      const mine = all.filter((e) => ofVisitor(visitor)(e) && e.event == "web_vital");
      return mine.length >= 3 && mine;
    });
    const names = new Set(vitals.map((e) => e.properties!.name));
    for (const name of ["FCP", "TTFB", "LCP"]) expect(names).toContain(name);
    for (const e of vitals) {
      expect(e.properties).toMatchObject({ value: expect.any(Number), rating: expect.any(String), id: expect.any(String), navigationType: expect.any(String), path: "/fast" });
    }
  });
});

// Issue 6, the SDK side. Last in the file: it stops the worker the other tests share and starts it
// again on the same port and the same local D1, so the page's tag points at a server that comes back.
describe("script tag s.js when the worker is down", () => {
  it("keeps events tracked during an outage across a reload and delivers each exactly once when it is back", async () => {
    await page.goto(`${site.url}/outage`);
    const visitor = await anonymousIdOf(page);
    await eventually((all) => all.some((e) => ofVisitor(visitor)(e) && e.type == "page"));
    const port = new URL(worker.url).port;
    await worker.stop();

    const waiting = () => page.evaluate(() => JSON.parse(localStorage.parcours)[1] as { messageId: string; event?: string; type: string }[]);
    const failedOnce = () => new Promise((r) => setTimeout(r, 2500)); // the 1 s batch timer, then a refused connection
    await page.evaluate(() => ["outage_1", "outage_2"].forEach((name) => (window as any).parcours.track(name)));
    await failedOnce();
    // The reload's pagehide hands the queue to sendBeacon, which the browser accepts although
    // nothing listens: the messages must stay stored for the next page all the same.
    await page.reload();
    await ready(page);
    // Left again at once, before this page's first send could fail: what it carried still stays.
    await page.evaluate(() => (window as any).parcours.track("outage_3"));
    await page.reload();
    await ready(page);
    await failedOnce();
    const kept = await waiting();
    expect(kept.map((m) => m.event ?? m.type)).toEqual(["outage_1", "outage_2", "page", "outage_3", "page"]);

    // Back on the same port and D1. Nothing on the page is touched: no flush(), no `online` event;
    // the backoff (capped at 30 s) retries by itself.
    // startServer adds PARCOURS_PORT_OFFSET to the port it is given; this one has it already.
    worker = await startServer({ port: Number(port) - Number(process.env.PARCOURS_PORT_OFFSET ?? 0), persistDir });
    const back = Date.now();
    const ids = kept.map((m) => m.messageId);
    await eventually((all) => ids.every((id) => all.some((e) => e.messageId == id)), 45_000);
    expect(Date.now() - back).toBeLessThan(45_000);
    await page.waitForFunction(() => JSON.parse(localStorage.parcours)[1].length == 0, null, { timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 3000)); // a late duplicate would show by now
    const mine = (await events()).filter(ofVisitor(visitor));
    for (const id of ids) expect(mine.filter((e) => e.messageId == id)).toHaveLength(1);
    expect(mine.map((e) => e.event ?? e.type).sort()).toEqual(["outage_1", "outage_2", "outage_3", "page", "page", "page"]);
  }, 180_000);
});
