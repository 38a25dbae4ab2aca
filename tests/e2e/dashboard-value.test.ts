// The "Value" view (costs and returns, feedback, value segments, churn risk) in real headless
// Chromium against the real worker, its numbers checked against the read API. The seed is
// random, so numbers are read back from the page and compared as numbers (never formatted here
// by the dashboard's own code).
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM script without types
import { startServer } from "../../scripts/dev-server.mjs";
// @ts-expect-error: plain ESM script without types
import { seed } from "../../scripts/seed.mjs";
// @ts-expect-error: plain ESM script without types
import { seedMarketing } from "../../scripts/seed-marketing.mjs";

const SHOTS = path.resolve(import.meta.dirname, "../screenshots");
const READ = { authorization: "Bearer demo-read-token" };
let worker: { url: string; stop(): Promise<void> };
let browser: Browser;
let page: Page;
const problems: string[] = [];

async function api<T>(p: string): Promise<T> {
  const res = await fetch(`${worker.url}/api/sites/demo${p}`, { headers: READ });
  expect(res.status, p).toBe(200);
  return (await res.json()) as T;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  worker = await startServer({ port: 8798, persistDir: mkdtempSync(path.join(tmpdir(), "parcours-value-")) });
  const { sent } = await seed({ url: worker.url, people: 150 });
  await seedMarketing({ url: worker.url });
  const until = Date.now() + 30_000;
  for (;;) {
    const { events } = await api<{ events: number }>("/overview?from=0");
    if (events >= sent || Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(e.message));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

describe("value view", () => {
  it("shows costs and returns, feedback, segments and the at-risk list as the API gives them", async () => {
    await page.goto(worker.url);
    await page.getByLabel("Access token").fill("demo-read-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("nav.views").waitFor();
    await page.goto(`${worker.url}/#/value`);
    await page.locator("table.roi tbody tr").first().waitFor();
    await page.waitForFunction(() => !document.querySelector(".notice.loading, [aria-busy='true']"));

    const roi = await api<{ rows: { group: string; touchpoints: number; cpa: number | null }[] }>("/roi?model=markov&group_by=channel");
    expect(roi.rows.length).toBeGreaterThan(0);
    const first = page.locator("table.roi tbody tr").first();
    expect(await first.locator("th").textContent()).toBe(roi.rows[0].group);
    expect(Number((await first.locator("td").nth(0).textContent())!.replace(/,/g, ""))).toBe(roi.rows[0].touchpoints);
    expect(await page.locator("table.roi tbody tr").count()).toBe(roi.rows.length);

    const nps = await api<{ score: number; responses: number }>("/feedback?kind=nps");
    expect(nps.responses).toBeGreaterThan(0);
    const [, score, answers] = /NPS (-?[\d.]+) from ([\d,]+) answers/.exec((await page.locator(".total").nth(1).textContent())!) ?? [];
    expect(Number(score)).toBeCloseTo(nps.score, 1);
    expect(Number(answers.replace(/,/g, ""))).toBe(nps.responses);

    const risk = await api<{ people: { personId: string }[] }>("/at-risk?limit=50");
    expect(risk.people.length).toBeGreaterThan(0);
    expect(await page.locator("table.at-risk tbody tr th").first().textContent()).toBe(risk.people[0].personId);
    expect(await page.locator("a[download='at-risk.csv']").getAttribute("href")).toContain("/at-risk?");

    // Switching the model is kept in the URL, and the table follows.
    await page.locator("label.field", { hasText: "Model" }).locator("select").selectOption("linear");
    await expect.poll(() => page.url()).toContain("model=linear");
    await page.screenshot({ path: path.join(SHOTS, "dashboard-value.png"), fullPage: true });
    expect(problems).toEqual([]);
  });
});
