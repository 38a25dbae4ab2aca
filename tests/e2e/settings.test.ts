// The Settings view in a real headless Chromium against the real worker: the admin adds a webhook
// destination pointed at a receiver on 127.0.0.1, sees its signing secret once, sends a test that
// the receiver verifies with that secret (standardwebhooks 1.1.1), reads the delivery log, pauses
// and deletes it; a site reader gets no Settings link and no admin call.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import http from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEMO, startServer } from "../../scripts/dev-server.mjs";
import { launchChromium } from "./harness";

let worker: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let receiver: http.Server;
let hookUrl = "";
const received: { headers: Record<string, string>; body: string }[] = [];
const problems: string[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => { body += d; });
    req.on("end", () => {
      received.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/crm`;
  worker = await startServer({ port: 8781, persistDir: mkdtempSync(path.join(tmpdir(), "parcours-settings-")) });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  receiver?.close();
});

async function signedIn(token: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.goto(worker.url);
  await page.getByLabel("Access token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("nav.views").waitFor();
  return page;
}

describe("Settings view", () => {
  it("lets the admin add a destination, shows its secret once, tests, reads the log, pauses and deletes it", async () => {
    const page = await signedIn(DEMO.adminToken);
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByText("No destination yet.").waitFor();

    await page.getByLabel("URL").fill(hookUrl);
    await page.getByLabel("alert").check();
    await page.getByRole("button", { name: "Add destination" }).click();
    const secret = (await page.locator(".secret-value").textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    const row = page.locator("table.destinations tbody tr");
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator("th").textContent()).toBe(hookUrl);
    expect(await row.locator("td[data-label=Events]").textContent()).toBe("journey.stalled, alert");
    expect(await row.locator("td[data-label=Status]").textContent()).toBe("active");
    // The list the page reads never carries the secret; dismissed, it is gone for good.
    const listed = await page.evaluate(async () => (await fetch("/api/admin/sites/demo/webhooks")).text());
    expect(listed).not.toContain(secret.slice(6));
    await page.getByRole("button", { name: "I have saved it" }).click();
    expect(await page.locator(".secret-value").count()).toBe(0);

    await row.getByRole("button", { name: "Test" }).click();
    await expect.poll(() => received.length, { timeout: 20_000 }).toBe(1);
    expect(new Webhook(secret).verify(received[0].body, received[0].headers)).toMatchObject({ type: "webhook.test", site: "demo" });

    // The log shows the test delivered (reopened until the worker has recorded the answer).
    const log = page.locator(".delivery-log tbody tr");
    await expect.poll(async () => {
      await row.getByRole("button", { name: "Log" }).click();
      if ((await row.getByRole("button", { name: "Log" }).getAttribute("aria-expanded")) !== "true") await row.getByRole("button", { name: "Log" }).click();
      await page.locator(".delivery-log .loadable").waitFor();
      return log.first().locator("td[data-label=Status]").textContent();
    }, { timeout: 20_000 }).toBe("delivered");
    expect(await log.first().locator("td[data-label=Type]").textContent()).toBe("webhook.test");
    expect(await log.first().locator("td[data-label=Response]").textContent()).toBe("204");
    expect(await log.first().locator("code").textContent()).toBe(received[0].headers["webhook-id"]);

    await row.getByRole("button", { name: "Pause" }).click();
    await expect.poll(() => row.locator("td[data-label=Status]").textContent()).toBe("paused");
    await row.getByRole("button", { name: "Resume" }).waitFor();

    page.once("dialog", (d) => void d.accept());
    await row.getByRole("button", { name: "Delete" }).click();
    await page.getByText("No destination yet.").waitFor();
    expect(problems).toEqual([]);
  });

  it("saves the Stalled view's question as a follow-up rule, lists it in Settings and removes it", async () => {
    const page = await signedIn(DEMO.adminToken);
    await page.goto(`${worker.url}/#/stalled?site=demo&started=quote_requested&expected=purchase&after=7d`);
    await page.getByRole("button", { name: "Save as follow-up rule" }).click();
    await page.getByRole("button", { name: "Saved as a follow-up rule" }).waitFor();
    const rules = (await (await fetch(`${worker.url}/api/admin/sites/demo/rules`, { headers: { authorization: `Bearer ${DEMO.adminToken}` } })).json()) as any;
    expect(rules.rules).toEqual([expect.objectContaining({ started: "quote_requested", expected: "purchase", after: "7d" })]);
    await page.getByRole("link", { name: "Settings" }).click();
    const item = page.locator("ul.rules li");
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.textContent()).toContain("quote_requested without purchase within 7d");
    await item.getByRole("button", { name: "Remove" }).click();
    await page.getByText("No rule yet").waitFor();
    // A site reader's Stalled view offers no such button.
    const reader = await signedIn(DEMO.site.readToken);
    await reader.goto(`${worker.url}/#/stalled?site=demo`);
    await reader.locator(".view-stalled .controls").waitFor();
    expect(await reader.getByRole("button", { name: "Save as follow-up rule" }).count()).toBe(0);
  });

  it("adds an alert from Settings, names a refusal, lists and removes it", async () => {
    const page = await signedIn(DEMO.adminToken);
    await page.goto(`${worker.url}/#/settings?site=demo`);
    const form = page.locator("form.add-alert");
    await form.getByLabel("Metric").selectOption("cpa");
    await form.getByLabel("When it is").selectOption("above");
    await form.getByLabel("Value").fill("50");
    await form.getByRole("button", { name: "Add alert" }).click();
    // CPA is a channel's: the worker's refusal is shown as it named it.
    await expect.poll(() => form.locator(".notice.error").textContent()).toContain("channel is required");
    await form.getByLabel("Channel", { exact: true }).fill("paid_search");
    await form.getByRole("button", { name: "Add alert" }).click();
    const item = page.locator("ul.alerts li");
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.textContent()).toContain("cpa of paid_search per day: above 50");
    const listed = (await (await fetch(`${worker.url}/api/admin/sites/demo/alerts`, { headers: { authorization: `Bearer ${DEMO.adminToken}` } })).json()) as any;
    expect(listed.alerts).toEqual([expect.objectContaining({ metric: "cpa", channel: "paid_search", period: "day", above: 50, below: null, changePct: null })]);
    await item.getByRole("button", { name: "Remove" }).click();
    await page.getByText("No alert yet.").waitFor();
  });

  it("names the refusal of a URL the worker will not send to", async () => {
    const page = await signedIn(DEMO.adminToken);
    await page.goto(`${worker.url}/#/settings?site=demo`);
    await page.getByLabel("URL").fill("http://example.com/hook");
    await page.getByRole("button", { name: "Add destination" }).click();
    await expect.poll(() => page.locator(".add-destination .notice.error").textContent()).toContain("https");
    expect(await page.locator(".secret-value").count()).toBe(0);
  });

  it("gives a site reader no Settings link and no admin access", async () => {
    const page = await signedIn(DEMO.site.readToken);
    expect(await page.getByRole("link", { name: "Settings" }).count()).toBe(0);
    await page.goto(`${worker.url}/#/settings?site=demo`);
    await page.getByText("Webhook destinations are managed by the admin").waitFor();
    expect(await page.locator("form.add-destination").count()).toBe(0);
    const status = await page.evaluate(async () => (await fetch("/api/admin/sites/demo/webhooks")).status);
    expect(status).toBe(401);
  });
});
