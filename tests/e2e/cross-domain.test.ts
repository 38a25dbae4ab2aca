// Attribution hygiene in a real headless Chromium: cross-domain linking between two hostnames of
// one test server (localhost and 127.0.0.1: two origins, two localStorages), so one visitor stays
// one person across them, and the Settings view editing the site's referral exclusions.
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO, startServer } from "../../scripts/dev-server.mjs";
import { desktopUserAgent, eventually, launchChromium, READ, storedEvents } from "./harness";

let worker: Awaited<ReturnType<typeof startServer>>;
let pages: Server;
let port = 0;
let browser: Browser;
let context: BrowserContext;
let page: Page;

/** `?domains=...` puts data-domains on the tag; each page links to the other hostname's /landing. */
function servePages(workerUrl: string) {
  const server = createServer((req, res) => {
    const url = new URL(req.url!, "http://x");
    const domains = url.searchParams.get("domains");
    const other = req.headers.host?.startsWith("localhost") ? `http://127.0.0.1:${port}` : `http://localhost:${port}`;
    res.writeHead(200, { "Content-Type": "text/html" }).end(`<!doctype html><html><head><title>Page ${url.pathname}</title>
      <script defer src="${workerUrl}/s.js" data-key="demo-write-key" ${domains ? `data-domains="${domains}"` : ""}></script></head>
      <body><a id="other" href="${other}/landing?x=1${domains ? `&domains=${domains}` : ""}">the other domain</a></body></html>`);
  });
  return new Promise<Server>((ok) => server.listen(0, "127.0.0.1", () => {
    port = (server.address() as AddressInfo).port;
    ok(server);
  }));
}

const anonymousIdOf = (p: Page) => p.waitForFunction(() => JSON.parse(localStorage.parcours || "0")?.[0]?.anonymousId).then((h) => h.jsonValue() as Promise<string>);
const pageViewAt = (origin: string, visitor: string) => eventually(() => storedEvents(worker.url),
  (all) => all.find((e) => e.type === "page" && e.anonymousId === visitor && e.page?.url?.startsWith(origin)));

beforeAll(async () => {
  worker = await startServer({ port: 8784, persistDir: mkdtempSync(path.join(tmpdir(), "parcours-xdomain-")) });
  pages = await servePages(worker.url);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  pages?.close();
  await worker?.stop();
});

beforeEach(async () => {
  context = await browser.newContext({ userAgent: desktopUserAgent(browser) });
  page = await context.newPage();
});

afterEach(async () => {
  await context.close();
});

describe("cross-domain linking", () => {
  it("keeps one visitor one person across the site's listed domains, and cleans the address bar", async () => {
    const domains = "localhost,127.0.0.1";
    await page.goto(`http://localhost:${port}/start?domains=${domains}`);
    const visitor = await anonymousIdOf(page);
    await page.click("#other");
    await page.waitForURL(/127\.0\.0\.1.*\/landing/);
    // The landing page took the id over and took the link value out of the URL.
    expect(await anonymousIdOf(page)).toBe(visitor);
    expect(page.url()).toBe(`http://127.0.0.1:${port}/landing?x=1&domains=${domains}`);
    const landing = await pageViewAt(`http://127.0.0.1:${port}/landing`, visitor);
    expect(landing.page?.url).not.toContain("_pc=");
    // Sent from one of the site's own hosts: no referral.
    expect(landing.channel).toBe("direct");
    const timeline = await (await fetch(`${worker.url}/api/sites/demo/people/${visitor}/timeline`, { headers: READ })).json() as { events: { page?: { url: string } }[] };
    const urls = timeline.events.map((e) => e.page?.url ?? "");
    expect(urls.some((u) => u.startsWith(`http://localhost:${port}/start`))).toBe(true);
    expect(urls.some((u) => u.startsWith(`http://127.0.0.1:${port}/landing`))).toBe(true);
  });

  it("without data-domains, the two hosts are two visitors", async () => {
    await page.goto(`http://localhost:${port}/start`);
    const visitor = await anonymousIdOf(page);
    await page.click("#other");
    await page.waitForURL(/127\.0\.0\.1.*\/landing/);
    const there = await anonymousIdOf(page);
    expect(there).not.toBe(visitor);
    expect(page.url()).not.toContain("_pc=");
  });

  it("ignores a stale link value, and strips it all the same", async () => {
    const domains = "localhost,127.0.0.1";
    await page.goto(`http://localhost:${port}/start?domains=${domains}`);
    const visitor = await anonymousIdOf(page);
    const stale = `${visitor}.${(Date.now() - 3 * 60_000).toString(36)}`;
    // Followed from a listed domain, but three minutes old (a copied or bookmarked link).
    await page.evaluate((href) => { location.href = href; }, `http://127.0.0.1:${port}/landing?domains=${domains}&_pc=${stale}`);
    await page.waitForURL(/127\.0\.0\.1.*\/landing/);
    expect(await anonymousIdOf(page)).not.toBe(visitor);
    await expect.poll(() => page.url()).toBe(`http://127.0.0.1:${port}/landing?domains=${domains}`);
  });
});

describe("referral exclusions in Settings", () => {
  it("lets the admin edit the list, naming a refused host", async () => {
    await page.goto(worker.url);
    await page.getByLabel("Access token").fill(DEMO.adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("link", { name: "Settings" }).click();
    const box = page.getByLabel("Excluded referrer hosts");
    await expect.poll(() => box.inputValue()).toContain("checkout.stripe.com");
    await box.fill("checkout.stripe.com\nnot a host");
    await page.getByRole("button", { name: "Save exclusions" }).click();
    await expect.poll(() => page.locator("form.excluded-referrers [role=alert]").textContent()).toContain("not a host");
    await box.fill("checkout.stripe.com\nhttps://www.Partner.example/deals");
    await page.getByRole("button", { name: "Save exclusions" }).click();
    await expect.poll(() => page.locator("form.excluded-referrers [role=status]").textContent()).toContain("Saved 2 hosts");
    await expect.poll(() => box.inputValue()).toBe("checkout.stripe.com\npartner.example");
    const site = await (await fetch(`${worker.url}/api/admin/sites/demo`, { headers: { authorization: `Bearer ${DEMO.adminToken}` } })).json() as { excludedReferrers: string[] };
    expect(site.excludedReferrers).toEqual(["checkout.stripe.com", "partner.example"]);
  });
});
