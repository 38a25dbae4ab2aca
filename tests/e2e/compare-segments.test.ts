// Compare and segments in the dashboard, end to end: real headless Chromium against the real worker
// (wrangler dev -> workerd, local D1/queue), data sent through the public ingest. The figures the
// page must show are worked out by hand from the data set below.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM script without types
import { startServer } from "../../scripts/dev-server.mjs";
import { eventually, launchChromium, READ } from "./harness";

const DAY = 86_400_000;
const SECRET = { authorization: `Basic ${Buffer.from("demo-secret-key:").toString("base64")}`, "content-type": "application/json" };

/**
 * In the last 30 days: u1-u3 open an e-mail, then buy on the web a day later; u4 visits the web and
 * buys; u5 and u6 only visit. Between 60 and 30 days ago: v1-v4 visit the web, v1 buys.
 * So, this period against the previous one: 6 people against 4 (+50%), 4 purchases against 1
 * (+300%). People whose first touch was e-mail: u1-u3 (3 people, 3 purchases).
 */
function dataSet(now: number) {
  let n = 0;
  const msg = (userId: string, at: number, channel: string, event: string, properties: Record<string, unknown> = {}) => ({
    type: "track", event, userId, messageId: `cs-${n++}`, timestamp: new Date(at).toISOString(), properties, context: { channel },
  });
  return [
    ...["u1", "u2", "u3"].flatMap((u, i) => [msg(u, now - 10 * DAY + i * 60_000, "email", "email_opened"), msg(u, now - 9 * DAY + i * 60_000, "web", "purchase", { revenue: 100 })]),
    msg("u4", now - 8 * DAY, "web", "view_product"), msg("u4", now - 8 * DAY + 3_600_000, "web", "purchase", { revenue: 40 }),
    msg("u5", now - 7 * DAY, "web", "view_product"), msg("u6", now - 6 * DAY, "web", "view_product"),
    ...["v1", "v2", "v3", "v4"].map((v, i) => msg(v, now - 45 * DAY + i * 60_000, "web", "view_product")),
    msg("v1", now - 45 * DAY + 3_600_000, "web", "purchase", { revenue: 70 }),
  ];
}

let worker: { url: string; stop(): Promise<void> };
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  worker = await startServer({ port: 8777, persistDir: mkdtempSync(path.join(tmpdir(), "parcours-compare-")) });
  const batch = dataSet(Date.now());
  const res = await fetch(`${worker.url}/v1/batch`, { method: "POST", headers: SECRET, body: JSON.stringify({ batch }) });
  expect(((await res.json()) as { rejected: unknown[] }).rejected).toEqual([]);
  await eventually(() => fetch(`${worker.url}/api/sites/demo/overview?from=0`, { headers: READ }).then((r) => r.json() as Promise<{ events: number }>),
    (o) => o.events === batch.length, 30_000);
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  await page.goto(worker.url);
  await page.getByLabel("Access token").fill("demo-read-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("nav.views").waitFor();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

const kpi = (name: string) => page.locator(`[data-kpi=${name}] .kpi-value`);
/** A labelled select by its label's own text (a select's accessible name includes its value). */
const select = (label: string) => page.locator("label.field", { has: page.locator("span", { hasText: new RegExp(`^${label}$`) }) }).locator("select");
const settled = () => page.waitForFunction(() => !document.querySelector(".notice.loading, [aria-busy='true']"));

describe("compare and segments in the dashboard", () => {
  it("compare shows each number's change and draws the previous period dashed", async () => {
    await page.locator("select[name=compare]").selectOption("previous");
    await expect.poll(() => page.locator("[data-kpi=people] .kpi-change").textContent()).toBe("+50%");
    expect(await page.locator("[data-kpi=conversions] .kpi-change").textContent()).toBe("+300%");
    // No NaN or Infinity anywhere, whatever the numbers.
    expect(await page.locator(".kpis").textContent()).not.toMatch(/NaN|Infinity/);
    expect(page.url()).toContain("compare=previous");
    // The trend's previous lines: in the legend, with a dashed swatch.
    const row = page.locator(".u-legend .u-series", { hasText: "People (previous)" });
    await row.waitFor();
    const style = await row.locator(".u-marker").evaluate((el) => getComputedStyle(el).borderStyle);
    expect(style).toBe("dashed");
    const solid = await page.locator(".u-legend .u-series", { has: page.locator(".u-label", { hasText: /^People$/ }) }).locator(".u-marker").evaluate((el) => getComputedStyle(el).borderStyle);
    expect(solid).toBe("solid");
    await page.locator("select[name=compare]").selectOption("");
    await expect.poll(() => page.locator(".kpi-change").count()).toBe(0);
  });

  it("saving a segment and picking it changes the numbers", async () => {
    await settled();
    expect(await kpi("people").textContent()).toBe("6");
    await page.locator("details.save-segment summary").click();
    const form = page.locator("form.segment-form");
    await form.getByLabel("Name").fill("E-mail first <b>");
    await form.getByLabel("First touch channel").fill("email");
    await form.getByRole("button", { name: "Save" }).click();
    // Saved and picked at once: the URL names it and the numbers are the segment's.
    await expect.poll(() => page.url()).toMatch(/segment=seg_/);
    await expect.poll(() => kpi("people").textContent()).toBe("3");
    expect(await kpi("conversions").textContent()).toBe("3");
    // The name is text, never markup.
    expect(await page.locator("select[name=segment] option:checked").textContent()).toBe("E-mail first <b>");
    // Back to everyone.
    await page.locator("select[name=segment]").selectOption("");
    await expect.poll(() => kpi("people").textContent()).toBe("6");
  });

  it("attribution puts two segments side by side, each adding up to its own conversions", async () => {
    await page.getByRole("link", { name: "Attribution" }).click();
    await settled();
    await select("Side by side: A").selectOption("all");
    await select("B").selectOption({ label: "E-mail first <b>" });
    const sides = page.locator(".side-by-side .side");
    await expect.poll(() => sides.count()).toBe(2);
    await expect.poll(() => sides.nth(0).locator("p.total").textContent()).toBe("4 purchase conversions.");
    await expect.poll(() => sides.nth(1).locator("p.total").textContent()).toBe("3 purchase conversions.");
    expect(await sides.nth(1).locator("h3").textContent()).toBe("E-mail first <b>");
    // The segment's first-touch credit all goes to e-mail.
    const firstTouch = await sides.nth(1).locator("tbody tr").evaluateAll((rows) =>
      rows.map((r) => [r.querySelector("th")!.textContent, r.querySelector("td[data-model=first_touch] .cell-value")!.textContent]));
    expect(Object.fromEntries(firstTouch)).toMatchObject({ email: "3" });
    await page.getByRole("link", { name: "Paths" }).click();
    await settled();
    await select("Side by side: A").selectOption("all");
    await select("B").selectOption({ label: "E-mail first <b>" });
    await expect.poll(() => page.locator(".side-by-side .side").count()).toBe(2);
    await expect.poll(() => page.locator(".side-by-side .side").nth(1).locator("table.top-paths tbody tr").count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});
