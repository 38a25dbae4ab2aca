// The trackers sites already run, unchanged, in a real headless Chromium against the real worker:
// Segment's analytics.js (@segment/analytics-next's standalone build, loaded by Segment's standard
// snippet with one line added, `analytics._cdn`) and Plausible's tracker (@plausible-analytics/tracker).
// The page is served from another origin than the worker; what was stored is read back through the
// read API (storage goes through a queue, so reads poll).
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM script without types
import { startServer } from "../../scripts/dev-server.mjs";
import type { VitalsBody } from "../../edge/src/query/api";
import { desktopUserAgent, eventually as poll, launchChromium, READ, storedEvents, type StoredEvent } from "./harness";

const ROOT = path.resolve(import.meta.dirname, "../..");
const WRITE_KEY = "demo-write-key";
const RUN = Date.now().toString(36);
const SEGMENT_JS = readFileSync(path.join(ROOT, "node_modules/@segment/analytics-next/dist/umd/standalone.js"), "utf8");
const PLAUSIBLE_JS = readFileSync(path.join(ROOT, "node_modules/@plausible-analytics/tracker/plausible.js"), "utf8");

let worker: { url: string; stop(): Promise<void> };
let site: { server: Server; url: string };
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Every request the page sent to the worker. */
let sent: Request[];
/** Console errors and uncaught exceptions on the page: there must be none. */
let problems: string[];

/**
 * Segment's standard snippet (5.2.1, as its docs give it), with `analytics._cdn` added: the one line
 * that sends analytics.js to Parcours. analytics.min.js is the npm package's standalone build, served
 * from the site itself at the CDN's path, as a site that leaves Segment's CDN hosts it.
 */
function segmentSnippet(workerUrl: string, siteUrl: string, loadOptions: unknown) {
  return `!function(){var i="analytics",analytics=window[i]=window[i]||[];if(!analytics.initialize)if(analytics.invoked)window.console&&console.error&&console.error("Segment snippet included twice.");else{analytics.invoked=!0;analytics.methods=["trackSubmit","trackClick","trackLink","trackForm","pageview","identify","reset","group","track","ready","alias","debug","page","screen","once","off","on","addSourceMiddleware","addIntegrationMiddleware","setAnonymousId","addDestinationMiddleware","register"];analytics.factory=function(e){return function(){if(window[i].initialized)return window[i][e].apply(window[i],arguments);var n=Array.prototype.slice.call(arguments);if(["track","screen","alias","group","page","identify"].indexOf(e)>-1){var c=document.querySelector("link[rel='canonical']");n.push({__t:"bpc",c:c&&c.getAttribute("href")||void 0,p:location.pathname,u:location.href,s:location.search,t:document.title,r:document.referrer})}n.unshift(e);analytics.push(n);return analytics}};for(var n=0;n<analytics.methods.length;n++){var key=analytics.methods[n];analytics[key]=analytics.factory(key)}analytics.load=function(key,n){var t=document.createElement("script");t.type="text/javascript";t.async=!0;t.setAttribute("data-global-segment-analytics-key",i);t.src="${siteUrl}/analytics.js/v1/" + key + "/analytics.min.js";var r=document.getElementsByTagName("script")[0];r.parentNode.insertBefore(t,r);analytics._loadOptions=n};analytics._writeKey="${WRITE_KEY}";;analytics.SNIPPET_VERSION="5.2.1";
analytics._cdn = "${workerUrl}";
analytics.load("${WRITE_KEY}"${loadOptions ? `, ${JSON.stringify(loadOptions)}` : ""});
analytics.page();
}}();`;
}

/**
 * Plausible's npm tracker as its README sets it up, sending to Parcours. `window.__plausible` is
 * how Plausible's own test pages let an automated browser (navigator.webdriver) send.
 */
function plausibleSetup(workerUrl: string, hashBasedRouting: boolean) {
  return `<script type="module">
    import { init } from "/plausible.js";
    window.__plausible = true;
    init({ domain: "localhost", endpoint: "${workerUrl}/api/event", captureOnLocalhost: true, hashBasedRouting: ${hashBasedRouting} });
  </script>`;
}

/**
 * `/segment/...` pages carry Segment's snippet (`?batching=1`: its batching delivery); `/plausible/...`
 * Plausible's tracker (`?hash=1`: with hash-based routing).
 */
function servePages(workerUrl: string) {
  const server = createServer((req, res) => {
    const url = new URL(req.url!, "http://x");
    const siteUrl = `http://${req.headers.host}`;
    if (/^\/analytics\.js\/v1\/[^/]+\/analytics\.min\.js$/.test(url.pathname)) {
      res.writeHead(200, { "Content-Type": "text/javascript" }).end(SEGMENT_JS);
      return;
    }
    if (url.pathname === "/plausible.js") {
      res.writeHead(200, { "Content-Type": "text/javascript" }).end(PLAUSIBLE_JS);
      return;
    }
    if (url.pathname === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    const batching = url.searchParams.has("batching")
      ? { integrations: { "Segment.io": { deliveryStrategy: { strategy: "batching", config: { size: 3, timeout: 300 } } } } }
      : null;
    const head = url.pathname.startsWith("/segment/") ? `<script>${segmentSnippet(workerUrl, siteUrl, batching)}</script>`
      : url.pathname.startsWith("/plausible/") ? plausibleSetup(workerUrl, url.searchParams.has("hash")) : "";
    res.writeHead(200, { "Content-Type": "text/html" }).end(`<!doctype html><html><head><title>Page ${url.pathname}</title>${head}</head>
      <body><h1>Tracker test ${url.pathname}</h1><p>${"Some text to read. ".repeat(400)}</p></body></html>`);
  });
  return new Promise<{ server: Server; url: string }>((ok) =>
    server.listen(0, "127.0.0.1", () => ok({ server, url: `http://localhost:${(server.address() as AddressInfo).port}` })),
  );
}

const events = () => storedEvents(worker.url, 500);
const eventually = <T>(pick: (events: StoredEvent[]) => T | undefined | false) => poll(events, pick, 15_000);

async function timeline(userId: string, done: (events: StoredEvent[]) => boolean) {
  const end = Date.now() + 15_000;
  for (;;) {
    const res = await fetch(`${worker.url}/api/sites/demo/people/${encodeURIComponent(userId)}/timeline`, { headers: READ });
    const body = res.ok ? ((await res.json()) as { userIds: string[]; anonymousIds: string[]; events: StoredEvent[] }) : null;
    if ((body && done(body.events)) || Date.now() > end) return body;
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  worker = await startServer({ port: 8795, persistDir: mkdtempSync(path.join(tmpdir(), "parcours-trackers-")) });
  site = await servePages(worker.url);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  site?.server.close();
  await worker?.stop();
});

beforeEach(async () => {
  // A fresh context per test is a new visitor.
  context = await browser.newContext({ userAgent: desktopUserAgent(browser) });
  page = await context.newPage();
  sent = [];
  problems = [];
  page.on("request", (r) => { if (r.url().startsWith(worker.url)) sent.push(r); });
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
});

afterEach(async () => {
  await context.close();
});

const ajs = <T>(p: Page, fn: string) => p.evaluate(fn) as Promise<T>;

describe("Segment analytics.js (@segment/analytics-next 1.84.3) with analytics._cdn set to Parcours", () => {
  it("sends page, track with properties and identify once each, with the UTM channel, and stitches the page view", async () => {
    const userId = `ajs-user-${RUN}`;
    await page.goto(`${site.url}/segment/landing?utm_source=newsletter&utm_medium=email&utm_campaign=spring-${RUN}`);
    await page.waitForFunction(() => (window as any).analytics?.initialized === true);
    const visitor = await ajs<string>(page, "analytics.user().anonymousId()");
    expect(visitor).toMatch(/\S/);
    // analytics-next resolves a call once its destinations have sent it.
    await ajs(page, `analytics.track("Product Viewed", { sku: "sku-${RUN}", price: 12.5 }).then(() => true)`);
    await ajs(page, `analytics.identify("${userId}", { email: "ajs-${RUN}@example.org", plan: "pro" }).then(() => true)`);

    const mine = await eventually((all) => {
      const own = all.filter((e) => e.anonymousId === visitor);
      return own.length >= 3 && own;
    });
    // Exactly once each: no duplicates even after retries, nothing else sent.
    expect(mine.map((e) => e.type).sort()).toEqual(["identify", "page", "track"]);
    expect(new Set(mine.map((e) => e.messageId)).size).toBe(3);
    const view = mine.find((e) => e.type === "page")!;
    expect(view.channel).toBe("email");
    expect(view.page?.path).toBe("/segment/landing");
    const track = mine.find((e) => e.type === "track")!;
    expect(track).toMatchObject({ event: "Product Viewed", properties: { sku: `sku-${RUN}`, price: 12.5 } });
    expect(mine.find((e) => e.type === "identify")!.userId).toBe(userId);

    // What the library sent: settings first, then text/plain posts to the short routes with the
    // write key as the Basic user.
    const posts = sent.filter((r) => r.method() === "POST");
    expect(sent[0].url()).toBe(`${worker.url}/v1/projects/${WRITE_KEY}/settings`);
    expect(posts.map((r) => new URL(r.url()).pathname).sort()).toEqual(["/v1/i", "/v1/p", "/v1/t"]);
    for (const r of posts) {
      expect(r.headers()["content-type"]).toMatch(/^text\/plain/);
      expect(r.headers()["authorization"]).toBe(`Basic ${Buffer.from(`${WRITE_KEY}:`).toString("base64")}`);
      expect(JSON.parse(r.postData()!)).toMatchObject({ writeKey: WRITE_KEY, sentAt: expect.any(String) });
    }

    // identify links the anonymous page view to the person.
    const person = await timeline(userId, (evs) => evs.some((e) => e.type === "page"));
    expect(person?.userIds).toContain(userId);
    expect(person?.anonymousIds).toContain(visitor);
    expect(person?.events.filter((e) => e.type === "page").map((e) => e.messageId)).toEqual([view.messageId]);
    // Still once each, now that everything has had time to arrive.
    expect((await events()).filter((e) => e.anonymousId === visitor)).toHaveLength(3);
    expect(problems).toEqual([]);
  });

  it("delivers through /v1/b when the site chooses analytics.js's batching delivery", async () => {
    await page.goto(`${site.url}/segment/batched?batching=1`);
    await page.waitForFunction(() => (window as any).analytics?.initialized === true);
    const visitor = await ajs<string>(page, "analytics.user().anonymousId()");
    await ajs(page, `Promise.all([analytics.track("Batched A", { n: 1 }), analytics.track("Batched B", { n: 2 })]).then(() => true)`);
    const mine = await eventually((all) => {
      const own = all.filter((e) => e.anonymousId === visitor);
      return own.length >= 3 && own;
    });
    expect(mine.map((e) => e.event ?? e.type).sort()).toEqual(["Batched A", "Batched B", "page"]);
    const posts = sent.filter((r) => r.method() === "POST").map((r) => new URL(r.url()).pathname);
    expect(posts.length).toBeGreaterThan(0);
    expect(new Set(posts)).toEqual(new Set(["/v1/b"]));
    expect(problems).toEqual([]);
  });
});

describe("Plausible's tracker (@plausible-analytics/tracker 0.4.6) with its endpoint at Parcours", () => {
  // Plausible's visitors are cookieless (one per IP and agent a day): tell the tests apart by page.
  const plausibleLanding = (e: StoredEvent) => Boolean(e.anonymousId?.startsWith("c-") && /^\/plausible\/(landing|pricing)/.test(e.page?.path ?? ""));

  it("sends page views, a custom event with props and revenue, and engagement: each stored once, engagement as no event", async () => {
    const answers: { path: string; body: Record<string, unknown>; status: number }[] = [];
    page.on("response", (r) => {
      if (r.url() === `${worker.url}/api/event`) answers.push({ path: new URL(r.url()).pathname, body: JSON.parse(r.request().postData()!), status: r.status() });
    });
    await page.goto(`${site.url}/plausible/landing?utm_source=newsletter&utm_medium=email&utm_campaign=pl-${RUN}`);
    await page.waitForFunction(() => typeof (window as any).plausible === "function");
    const sent = await page.evaluate(() => new Promise((done) =>
      (window as any).plausible("Signup", { props: { plan: "pro" }, revenue: { amount: 29, currency: "EUR" }, callback: done })));
    expect(sent).toEqual({ status: 202 });
    // Read to the bottom, then move on in the app: the tracker reports the landing page's
    // engagement before the next page view.
    await page.evaluate(() => new Promise((scrolled) => {
      window.addEventListener("scroll", () => requestAnimationFrame(scrolled), { once: true });
      window.scrollTo(0, document.body.scrollHeight);
    }));
    await page.evaluate(() => history.pushState({}, "", "/plausible/pricing"));

    const mine = await eventually((all) => {
      const own = all.filter(plausibleLanding);
      return own.length >= 3 && own;
    });
    await expect.poll(() => answers.length).toBe(4);
    expect(answers.map((a) => a.body.n)).toEqual(["pageview", "Signup", "engagement", "pageview"]);
    expect(answers.every((a) => a.status === 202)).toBe(true);
    const engagement = answers[2].body;
    expect(engagement).toMatchObject({ d: "localhost", u: expect.stringContaining("/plausible/landing"), sd: 100, e: expect.any(Number) });

    // Two page views and the event, each once; the engagement report is no event.
    expect((await events()).filter(plausibleLanding).map((e) => e.event ?? e.type).sort()).toEqual(["Signup", "page", "page"]);
    expect(new Set(mine.map((e) => e.anonymousId)).size).toBe(1);
    const views = mine.filter((e) => e.type === "page");
    expect(views.map((e) => e.page?.path).sort()).toEqual(["/plausible/landing", "/plausible/pricing"]);
    expect(views.find((e) => e.page?.path === "/plausible/landing")!.channel).toBe("email");
    expect(mine.find((e) => e.event === "Signup")!.properties).toEqual({ plan: "pro", revenue: 29, currency: "EUR" });

    // The landing page's engagement, beside its Core Web Vitals: in /vitals and in the dashboard.
    const vitals = await poll(async () => (await (await fetch(`${worker.url}/api/sites/demo/vitals`, { headers: READ })).json()) as VitalsBody,
      (v) => v.pages.find((p) => p.path === "/plausible/landing" && p.engagement));
    expect(vitals.engagement).toEqual({ visits: 1, samples: 1, scrollDepthAvg: 100, engagedMsAvg: engagement.e });
    await page.goto(worker.url);
    await page.getByLabel("Access token").fill("demo-read-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("nav.views").waitFor();
    await page.goto(`${worker.url}/#/vitals`);
    const row = page.locator(".vitals tbody tr", { has: page.locator("th", { hasText: /^\/plausible\/landing$/ }) });
    await expect.poll(() => row.locator("[data-metric=scroll]").textContent()).toBe("100%");
    expect(await row.locator("[data-metric=visits]").textContent()).toBe("1");
    expect(problems).toEqual([]);
  });

  it("keeps the route in the path with hash-based routing", async () => {
    await page.goto(`${site.url}/plausible/app?hash=1#/inbox`);
    await page.waitForFunction(() => typeof (window as any).plausible === "function");
    await eventually((all) => all.some((e) => e.page?.path === "/plausible/app#/inbox"));
    await page.evaluate(() => { location.hash = "#/settings"; });
    const views = await eventually((all) => {
      const own = all.filter((e) => e.type === "page" && e.page?.path?.startsWith("/plausible/app"));
      return own.length >= 2 && own;
    });
    expect(views.map((e) => e.page?.path).sort()).toEqual(["/plausible/app#/inbox", "/plausible/app#/settings"]);
    expect(problems).toEqual([]);
  });
});
