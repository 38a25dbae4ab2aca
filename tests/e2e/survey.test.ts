// The optional survey prompt (f.js) in real headless Chromium: a page on another origin loads the
// tracker and the survey; an answer lands in D1 as a feedback event the /feedback endpoint scores,
// and a dismissed survey stays away.
import { createServer, type Server } from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM script without types
import { startServer } from "../../scripts/dev-server.mjs";
import { desktopUserAgent, launchChromium } from "./harness";

let worker: { url: string; stop(): Promise<void> };
let site: Server;
let siteUrl: string;
let browser: Browser;
let context: BrowserContext;
const READ = { authorization: "Bearer demo-read-token" };

beforeAll(async () => {
  worker = await startServer({ port: 8799, persistDir: mkdtempSync(path.join(tmpdir(), "parcours-survey-")) });
  site = createServer((req, res) => {
    const kind = new URL(req.url!, "http://x").searchParams.get("kind") ?? "nps";
    res.setHeader("content-type", "text/html");
    res.end(`<!doctype html><title>Shop</title><p>Welcome <a href="#">home</a></p>
      <script defer src="${worker.url}/s.js" data-key="demo-write-key"></script>
      <script defer src="${worker.url}/f.js" data-kind="${kind}" data-question="Would you recommend <b>us</b>?"></script>`);
  });
  await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
  siteUrl = `http://localhost:${(site.address() as { port: number }).port}`;
  browser = await launchChromium();
  context = await browser.newContext({ userAgent: desktopUserAgent(browser) });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  site?.close();
  await worker?.stop();
});

describe("survey prompt", () => {
  it("asks one accessible question, records the answer as feedback, and is not asked again", async () => {
    const page = await context.newPage();
    await page.goto(`${siteUrl}/?kind=nps`);
    const dialog = page.getByRole("dialog", { name: "Would you recommend <b>us</b>?" });
    await dialog.waitFor();
    expect(await page.locator(".parcours-survey b").count()).toBe(0); // the question is text, not HTML
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("0");
    await dialog.getByRole("button", { name: "9", exact: true }).click();
    await page.getByRole("status").waitFor();

    let feedback: { responses: number; score: number } = { responses: 0, score: 0 };
    for (const until = Date.now() + 15_000; Date.now() < until && feedback.responses === 0; await new Promise((r) => setTimeout(r, 300))) {
      feedback = await (await fetch(`${worker.url}/api/sites/demo/feedback?kind=nps`, { headers: READ })).json();
    }
    expect(feedback).toMatchObject({ responses: 1, score: 100 });

    await page.reload();
    await page.waitForTimeout(800);
    expect(await page.getByRole("dialog").count()).toBe(0);
  });

  it("goes away with Escape and sends nothing", async () => {
    const page = await context.newPage();
    await page.goto(`${siteUrl}/?kind=csat`);
    await page.getByRole("dialog").waitFor();
    await page.keyboard.press("Escape");
    expect(await page.getByRole("dialog").count()).toBe(0);
    await page.waitForTimeout(1500);
    const csat = await (await fetch(`${worker.url}/api/sites/demo/feedback?kind=csat`, { headers: READ })).json();
    expect(csat.responses).toBe(0);
  });
});
