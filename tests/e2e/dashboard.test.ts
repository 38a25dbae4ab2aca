// The dashboard end to end: real headless Chromium, the real worker (wrangler dev -> workerd with
// local D1/R2/queue) serving the built dashboard under its CSP, data sent through the public
// ingest. Each view's text is checked against figures worked out by hand from the fixed data set
// below (never formatted by the dashboard's own code), and screenshotted to tests/screenshots/.
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM script without types
import { JS_BUDGET_GZIP, measure } from "../../bench/dashboard-size.mjs";
// @ts-expect-error: plain ESM script without types
import { startServer } from "../../scripts/dev-server.mjs";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SHOTS = path.join(ROOT, "tests", "screenshots");
const READ = { authorization: "Bearer demo-read-token" };
const SECRET = { authorization: `Basic ${Buffer.from("demo-secret-key:").toString("base64")}`, "content-type": "application/json" };
const RUN = Date.now().toString(36);
const XSS = "<img src=x onerror=alert(1)>";
const DAY = 86_400_000;
const PHONE = { width: 390, height: 844 };

let worker: { url: string; stop(): Promise<void> };
let browser: Browser;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];
const dialogs: string[] = [];

interface Message {
  type: string;
  messageId: string;
  userId: string;
  anonymousId: string;
  event?: string;
  timestamp: string;
  properties?: Record<string, unknown>;
  context: Record<string, unknown>;
}

/**
 * Twelve people over the last ten days, across web, email, phone and store: buyers after an
 * e-mail, phone quotes left without a purchase (the stalled list), store buyers, one unsubscribe,
 * a few vitals samples, and one event whose name is an HTML injection attempt.
 *
 * What follows from it (every event names its channel; a session ends after 30 quiet minutes; a
 * touchpoint opens a session or names another channel than its session's):
 * - p % 3 == 0 (0, 3, 6, 9): web visit; a day later email_opened (email), add_to_cart and purchase
 *   (web): sessions 2, touchpoints 4 [web, email, web, web], converted 1d 10m after the first.
 * - p % 3 == 1 (1, 4, 7, 10): web visit, a phone quote 2 h later: sessions 2, touchpoints 2; person
 *   4 unsubscribes 2 days ago (email), person 1 views /pricing 30 min ago (web): 3 and 3 each.
 * - p % 3 == 2 (2, 5, 8, 11): web visit, store_visit a day later, purchase 1 h after that (store,
 *   its own session): sessions 3, touchpoints 3 [web, store, store], converted 1d 1h after.
 * - person 0's injection event, an hour ago: one more session and touchpoint (web), an open journey.
 * So: 12 people, 31 sessions, 39 touchpoints, 8 conversions in 13 journeys (62%), median time to
 * convert (1d 10m + 1d 1h) / 2 = 1d 35m, shown "1d".
 */
function journeys(now: number): Message[] {
  const messages: Message[] = [];
  const add = (person: number, at: number, channel: string, event: string, properties: Record<string, unknown> = {}) =>
    messages.push({
      type: event === "page" ? "page" : "track",
      messageId: `${RUN}-${messages.length}`,
      userId: `${RUN}-user-${person}`,
      anonymousId: `${RUN}-anon-${person}`,
      ...(event === "page" ? {} : { event }),
      timestamp: new Date(at).toISOString(),
      properties,
      context: { channel, page: { path: "/", url: "https://shop.example/" } },
    });
  for (let p = 0; p < 12; p++) {
    const start = now - (10 - (p % 5)) * DAY + p * 60_000;
    add(p, start, "web", "page", { path: "/" });
    add(p, start + 60_000, "web", "view_product", { sku: `sku-${p}` });
    if (p % 3 === 0) {
      add(p, start + DAY, "email", "email_opened");
      add(p, start + DAY + 5 * 60_000, "web", "add_to_cart");
      add(p, start + DAY + 10 * 60_000, "web", "purchase", { revenue: 100 + p });
    } else if (p % 3 === 1) {
      add(p, start + 2 * 3_600_000, "phone", "quote_requested");
    } else {
      add(p, start + DAY, "store", "store_visit");
      add(p, start + DAY + 3_600_000, "store", "purchase", { revenue: 50 });
    }
    add(p, start + 2 * 60_000, "web", "web_vital", { name: "LCP", value: 1800 + p * 300, path: p % 2 ? "/product" : "/" });
  }
  add(4, now - 2 * DAY, "email", "unsubscribe");
  add(0, now - 3_600_000, "web", XSS);
  // The newest event: a page view whose path the live view and person 1's timeline must show.
  messages.push({
    type: "page", messageId: `${RUN}-pricing`, userId: `${RUN}-user-1`, anonymousId: `${RUN}-anon-1`,
    timestamp: new Date(now - 30 * 60_000).toISOString(),
    context: { channel: "web", page: { path: "/pricing", url: "https://shop.example/pricing", title: "Pricing", referrer: "" } },
  });
  return messages;
}

async function api<T>(pathAndQuery: string): Promise<T> {
  const res = await fetch(`${worker.url}/api/sites/demo${pathAndQuery}`, { headers: READ });
  expect(res.status, pathAndQuery).toBe(200);
  return (await res.json()) as T;
}

async function storedOfRun(): Promise<number> {
  const { events } = await api<{ events: { messageId: string }[] }>("/events?limit=500");
  return events.filter((e) => e.messageId.startsWith(`${RUN}-`)).length;
}

async function shot(name: string) {
  await page.screenshot({ path: path.join(SHOTS, `dashboard-${name}.png`), fullPage: true });
}

/** Opens a view by its hash and waits until no card is loading. */
async function open(hash: string) {
  await page.goto(`${worker.url}/${hash}`);
  await page.locator("nav.views").waitFor();
  await page.waitForFunction(() => !document.querySelector(".notice.loading, [aria-busy='true']"));
}

async function login(token: string) {
  await page.goto(worker.url);
  await page.getByLabel("Access token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  worker = await startServer({ port: 8797, persistDir: mkdtempSync(path.join(tmpdir(), "parcours-dash-")) });
  const batch = journeys(Date.now());
  const res = await fetch(`${worker.url}/v1/batch`, { method: "POST", headers: SECRET, body: JSON.stringify({ batch }) });
  const answer = (await res.json()) as { accepted: number; rejected: unknown[] };
  expect(answer.rejected).toEqual([]);
  // Storage is asynchronous (a queue): wait until every message can be read back.
  const until = Date.now() + 30_000;
  while ((await storedOfRun()) < batch.length) {
    if (Date.now() > until) throw new Error("the events were not stored within 30 s");
    await new Promise((r) => setTimeout(r, 300));
  }
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  // Chromium logs every 4xx response as a console error. Two 401s are asked for below (a refused
  // login, an anonymous read); any other, the signed-out session probe included, is a problem.
  page.on("console", (m) => {
    const asked = m.text().includes("status of 401") && /\/api\/(login|sites\/demo\/overview)$/.test(m.location().url);
    if (m.type() === "error" && !asked) problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

afterEach(() => {
  expect(dialogs).toEqual([]);
});

describe("dashboard", () => {
  it("shows nothing without a login and refuses a wrong token", async () => {
    await page.goto(worker.url);
    await expect.poll(() => page.getByLabel("Access token").isVisible()).toBe(true);
    // Signed out is a normal state: the first load logs nothing (the session answers 200).
    expect(problems).toEqual([]);
    expect(await page.locator("nav.views, .kpi").count()).toBe(0);
    const anonymous = await page.evaluate(async () => (await fetch("/api/sites/demo/overview")).status);
    expect(anonymous).toBe(401);

    await page.getByLabel("Access token").fill("not-the-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("refused");
    expect(await page.locator("nav.views").count()).toBe(0);
    await shot("login-refused");
  });

  it("overview: headline numbers, trend and channel mix of the data set", async () => {
    await login("demo-read-token");
    await page.locator("[data-kpi=people] dd").waitFor();
    await open("#/overview");
    const kpi = (name: string) => page.locator(`[data-kpi=${name}] dd`).textContent();
    expect(await kpi("people")).toBe("12");
    expect(await kpi("sessions")).toBe("31");
    expect(await kpi("touchpoints")).toBe("39");
    expect(await kpi("conversions")).toBe("8");
    expect(await kpi("conversionRate")).toBe("62%");
    expect(await kpi("medianTimeToConvertMs")).toBe("1d");
    // uPlot mounts in an effect after the numbers render.
    await page.locator(".chart canvas").first().waitFor();
    const labels = await page.locator(".bar-list .bar-label").allTextContents();
    expect(labels.sort()).toEqual(["email", "phone", "store", "web"]);
    await shot("overview");
  });

  it("journeys: stages and the touchpoint histogram of the data set", async () => {
    await open("#/journeys");
    // Latest stage: the 8 buyers decided, 3 quoters consider, the one who unsubscribed is "loyalty"
    // (the demo site's mapping); nobody stayed in discovery.
    const stages: [string, string][] = [["decision", "8"], ["consideration", "3"], ["loyalty", "1"]];
    for (const [stage, people] of stages) {
      const row = page.locator(".bar-list li", { has: page.locator(".bar-label", { hasText: stage }) });
      expect(await row.locator(".bar-value").textContent()).toMatch(new RegExp(`^${people} `));
    }
    expect(await page.locator(".bar-list li", { has: page.locator(".bar-label", { hasText: "discovery" }) }).count()).toBe(0);
    // Journeys by touchpoints: 1 (person 0's last visit), 2 (quoters 7, 10), 3 (store buyers and
    // quoters 1, 4), 4 (e-mail buyers).
    const columns = await page.locator(".columns").first().locator(".column-value").allTextContents();
    expect(columns).toEqual(["1", "2", "6", "4"]);
    await shot("journeys");
  });

  it("funnel: steps from the URL, their drop-off, friction step marked", async () => {
    const steps = "view_product,quote_requested,purchase";
    await open(`#/funnel?steps=${steps}&window=30d`);
    // Everyone viewed a product, the four quoters asked for a quote, none of them bought.
    const values = await page.locator(".bar-list .bar-value").allTextContents();
    expect(values.map((v) => v.split(" · ")[0])).toEqual(["12", "4", "0"]);
    expect(await page.locator(".callout[data-friction]").count()).toBe(1);
    expect(await page.locator(".steps li").count()).toBe(3);
    await shot("funnel");
  });

  it("funnel: alternatives and an optional step entered in the view, with each step's first-touch channels", async () => {
    await open("#/funnel?steps=view_product,email_opened,add_to_cart,purchase&window=30d");
    await page.getByLabel("Another event that counts as add_to_cart").selectOption("quote_requested");
    await page.locator('.steps li[data-step="email_opened"]').getByLabel("optional").check();
    await expect.poll(() => new URL(page.url()).hash).toContain(`steps=${encodeURIComponent("view_product,email_opened?,add_to_cart|quote_requested,purchase")}`);
    await page.waitForFunction(() => !document.querySelector(".notice.loading, [aria-busy='true']"));
    // Buyers after an e-mail (4) open it, then add to cart and buy: every step. Phone quoters (4)
    // skip the e-mail and ask for a quote. Store buyers (4) only viewed a product.
    await expect.poll(async () => (await page.locator(".bar-list .bar-value").allTextContents()).map((v) => v.split(" · ")[0])).toEqual(["12", "4", "8", "4"]);
    expect(await page.locator(".bar-list .bar-label").allTextContents()).toEqual(["view_product", "email_opened (optional)", "add_to_cart or quote_requested", "purchase"]);
    // 12 -> 8 loses a third, 8 -> 4 half; skipping the optional step is no friction.
    expect(await page.locator(".callout[data-friction]").getAttribute("data-friction")).toBe("purchase");
    // Everyone's first touchpoint was a web visit.
    const rows = await page.locator("table.first-touch tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(rows).toEqual([["web", "12", "4", "8", "4"]]);
    await shot("funnel-alternatives");
  });

  it("paths: a Sankey and the top paths table", async () => {
    await open("#/paths?event=purchase");
    // Six distinct paths (repeats collapse): web>email>web and web>store (4 each, converted),
    // web>phone (2), web, web>phone>email, web>phone>web; their Sankey has six links.
    expect(await page.locator(".top-paths tbody tr").count()).toBe(6);
    await page.locator(".sankey svg").waitFor();
    expect(await page.locator(".sankey svg path").count()).toBe(6);
    expect(await page.locator(".sankey svg text").allTextContents()).toEqual(expect.arrayContaining(["web", "email", "store", "phone"]));
    await shot("paths");
  });

  it("attribution: the eight models per channel, as the API credits them", async () => {
    await open("#/attribution");
    expect(await page.locator(".attribution thead th").count()).toBe(9);
    // Linear: each e-mail buyer's [web, email, web, web] gives web 3/4 and email 1/4, each store
    // buyer's [web, store, store] web 1/3 and store 2/3: web 3 + 4/3, email 1, store 8/3.
    const linear: [string, string][] = [["web", "4.3"], ["email", "1"], ["store", "2.7"]];
    for (const [channel, credit] of linear) {
      const row = page.locator(".attribution tbody tr", { has: page.locator("th", { hasText: channel }) });
      expect(await row.locator("[data-model=linear] .cell-value").textContent()).toBe(credit);
    }
    await shot("attribution");
  });

  it("channels: the switch matrix as a heat map", async () => {
    await open("#/channels");
    // Channels by use (web, store, email, phone); switches from row to column between consecutive
    // touchpoints of a journey, worked out from the journeys above.
    expect(await page.locator(".heat-map tbody th").allTextContents()).toEqual(["web", "store", "email", "phone"]);
    const cells = await page.locator(".heat-map tbody td").allTextContents();
    expect(cells).toEqual(["4", "4", "4", "4", "0", "4", "0", "0", "4", "0", "0", "0", "1", "0", "1", "0"]);
    await shot("channels");
  });

  it("stalled: the follow-up list, its CSV, and a person's timeline", async () => {
    await open("#/stalled");
    const { people } = await api<{ people: { personId: string; nextBestTouchpoint: string | null }[] }>("/stalled?started=quote_requested&expected=purchase&after=3d");
    // The four quoters (1, 4, 7, 10) bought nothing within three days.
    expect(people).toHaveLength(4);
    expect(await page.locator(".stalled tbody tr").count()).toBe(4);
    const suggested = await page.locator('.stalled tbody td[data-label="Next best touchpoint"]').allTextContents();
    expect(suggested).toEqual(people.map((p) => p.nextBestTouchpoint || "—"));
    await shot("stalled");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
    const csv = readFileSync((await download.path()) as string, "utf8");
    expect(csv.trim().split(/\r?\n/).length).toBe(people.length + 1);

    await page.locator(".stalled tbody tr a").first().click();
    await page.locator(".timeline li").first().waitFor();
    const first = new URLSearchParams(new URL(page.url()).hash.split("?")[1]).get("person") as string;
    const timeline = await api<{ events: unknown[] }>(`/people/${encodeURIComponent(first)}/timeline`);
    expect(await page.locator(".timeline > li").count()).toBe(timeline.events.length);
    await shot("timeline");
  });

  it("retention, churn and vitals of the data set", async () => {
    await open("#/retention");
    // How the twelve split into weekly cohorts depends on today's weekday; that they are twelve does not.
    const sizes = await page.locator(".cohorts tbody tr td:nth-child(2)").allTextContents();
    expect(sizes.length).toBeGreaterThan(0);
    expect(sizes.reduce((n, s) => n + Number(s), 0)).toBe(12);
    // Person 4 viewed a product, sent a vital and asked for a quote before unsubscribing; a third of
    // everyone asked for a quote (lift ×3.0), everyone did the other two (×1.0).
    expect(await page.locator(".churn tbody th").allTextContents()).toEqual(["quote_requested", "view_product", "web_vital"]);
    expect(await page.locator(".churn tbody td:nth-child(4)").allTextContents()).toEqual(["×3.0", "×1.0", "×1.0"]);
    await shot("retention");

    await open("#/vitals");
    // LCP 1800 + 300p ms, even p on "/" (1800..4800), odd on "/product" (2100..5100): p75 by linear
    // interpolation 4050 and 4350 ms, both over 4000 (poor), as the edge rates them.
    const lcp: [string, string][] = [["/", "4.05 s"], ["/product", "4.35 s"]];
    expect(await page.locator(".vitals tbody th").allTextContents()).toEqual(["/", "/product"]);
    for (const [path, p75] of lcp) {
      const cell = page.locator(".vitals tbody tr", { has: page.locator("th", { hasText: new RegExp(`^${path}$`) }) }).locator("[data-metric=LCP]");
      expect(await cell.locator(".vital-value").textContent()).toBe(p75);
      expect(await cell.getAttribute("class")).toBe("num vital poor");
      expect(await cell.locator(".visually-hidden").textContent()).toBe(" (poor)");
    }
    await shot("vitals");
  });

  it("live events: data shown as text, new events appear while watching", async () => {
    await open("#/live");
    await page.locator(".live tbody tr").first().waitFor();
    expect(await page.locator(".live .event-name", { hasText: XSS }).count()).toBe(1);
    expect(await page.locator(".live img").count()).toBe(0);

    const fresh = `${RUN}-live`;
    const message = { type: "track", messageId: fresh, userId: `${RUN}-user-1`, event: "live_check", timestamp: new Date().toISOString(), context: { channel: "web" } };
    await fetch(`${worker.url}/v1/batch`, { method: "POST", headers: SECRET, body: JSON.stringify({ batch: [message] }) });
    await page.locator(".live .event-name", { hasText: "live_check" }).first().waitFor({ timeout: 20_000 });
    const pricing = page.locator(".live tbody tr", { has: page.locator(".event-name", { hasText: "page /pricing" }) });
    expect(await pricing.count()).toBe(1);
    expect(await pricing.locator(".page-path").textContent()).toBe("/pricing");
    await shot("live");
  });

  it("a person's timeline names the page of each page view", async () => {
    await open(`#/timeline?person=${encodeURIComponent(`${RUN}-user-1`)}`);
    await page.locator(".timeline li").first().waitFor();
    const labels = await page.locator(".timeline > li .event").allTextContents();
    // live_check: the event the live view test sent as this person.
    expect(labels).toEqual(["page /", "view_product", "web_vital", "quote_requested", "page /pricing", "live_check"]);
  });

  it("keeps the view and filters in the URL, and fits a phone screen", async () => {
    await open("#/overview?channel=email&range=7d");
    expect(await page.locator("input[name=channel]").inputValue()).toBe("email");
    await page.locator("input[name=country]").fill("FR");
    await page.locator("input[name=country]").press("Enter");
    await expect.poll(() => new URL(page.url()).hash).toContain("country=FR");
    await page.getByRole("link", { name: "Journeys" }).click();
    await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/journeys\?.*channel=email.*country=FR.*range=7d/);

    await page.setViewportSize(PHONE);
    for (const view of ["overview", "attribution", "stalled"]) {
      await open(`#/${view}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, view).toBeLessThanOrEqual(0);
      await shot(`phone-${view}`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("is keyboard reachable", async () => {
    await open("#/overview");
    await page.locator("body").focus();
    const reached = new Set<string>();
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press("Tab");
      reached.add(await page.evaluate(() => document.activeElement?.textContent?.trim() || document.activeElement?.tagName || ""));
    }
    expect(reached).toContain("Funnel");
    await page.keyboard.press("Shift+Tab");
    const before = new URL(page.url()).hash;
    await page.getByRole("link", { name: "Funnel" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => new URL(page.url()).hash).not.toBe(before);
    expect(new URL(page.url()).hash).toMatch(/^#\/funnel/);
  });

  // How fast it is usable is measured by `npm run bench -- dashboard`, not judged here.
  it("ships under its JavaScript budget and loads straight into a deep link", async () => {
    const js = measure().filter((r: { file: string }) => r.file.endsWith(".js"));
    expect(js.reduce((n: number, r: { gzip: number }) => n + r.gzip, 0)).toBeLessThan(JS_BUDGET_GZIP);

    await page.goto("about:blank");
    await page.goto(`${worker.url}/#/overview`);
    await page.getByRole("link", { name: "Funnel" }).waitFor();
    await page.locator("[data-kpi=people] dd").waitFor();
    expect(await page.locator("nav.views [aria-current=page]").textContent()).toBe("Overview");
  });

  it("signs out, and then shows nothing", async () => {
    await open("#/overview");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Access token").waitFor();
    await page.reload();
    await page.getByLabel("Access token").waitFor();
    expect(await page.locator(".kpi").count()).toBe(0);
  });

  it("lets the admin switch between sites, each view reading the chosen site", async () => {
    const admin = { authorization: "Bearer dev-admin-token", "content-type": "application/json" };
    const created = await fetch(`${worker.url}/api/admin/sites`, {
      method: "POST", headers: admin,
      body: JSON.stringify({ name: `Second shop ${RUN}`, allowedOrigins: ["https://second.example"], conversions: ["purchase"] }),
    });
    expect(created.status).toBe(201);
    const second = (await created.json()) as { id: string; secretKey: string; readToken: string };
    const batch = [1, 2, 3].map((n) => ({ type: "track", event: "purchase", messageId: `${RUN}-second-${n}`, userId: `${RUN}-second-${n}`,
      timestamp: new Date(Date.now() - n * 3_600_000).toISOString(), properties: { revenue: 10 }, context: { channel: "store" } }));
    const sent = await fetch(`${worker.url}/v1/batch`, {
      method: "POST", body: JSON.stringify({ batch }),
      headers: { authorization: `Basic ${Buffer.from(`${second.secretKey}:`).toString("base64")}`, "content-type": "application/json" },
    });
    expect(sent.status).toBe(200);
    const overviewOf = async () => {
      const res = await fetch(`${worker.url}/api/sites/${second.id}/overview`, { headers: { authorization: `Bearer ${second.readToken}` } });
      return (await res.json()) as Record<string, number>;
    };
    await expect.poll(async () => (await overviewOf()).conversions, { timeout: 30_000 }).toBe(3);

    await page.goto(worker.url);
    await page.getByLabel("Access token").fill("dev-admin-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    const picker = page.locator(".site-picker select");
    await picker.waitFor();
    expect(await picker.locator("option").allTextContents()).toEqual(expect.arrayContaining(["Demo shop", `Second shop ${RUN}`]));
    await picker.selectOption(second.id);
    await expect.poll(() => new URL(page.url()).hash).toContain(`site=${second.id}`);
    await page.waitForFunction(() => !document.querySelector(".notice.loading, [aria-busy='true']"));
    await expect.poll(() => page.locator("[data-kpi=conversions] dd").textContent()).toBe("3");
    expect(await page.locator("[data-kpi=people] dd").textContent()).toBe("3");
    // Back on the demo site, its own numbers again.
    await picker.selectOption("demo");
    await expect.poll(() => page.locator("[data-kpi=conversions] dd").textContent()).toBe("8");
    await shot("admin-sites");
  });

  it("logged no console errors and opened no dialog", () => {
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
