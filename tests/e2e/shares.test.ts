// Shared links in a real headless Chromium against the real worker: the admin creates a link in
// Settings; a browser with no login opens it and sees only its views, marked read-only; right
// after the admin revokes it the same tab shows a clear refusal and no data; an expired link
// opens nothing either.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEMO, startServer } from "../../scripts/dev-server.mjs";
import { eventually, launchChromium } from "./harness";

let worker: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
const problems: string[] = [];
const SECRET = { authorization: `Basic ${Buffer.from("demo-secret-key:").toString("base64")}`, "content-type": "application/json" };
const ADMIN = { authorization: `Bearer ${DEMO.adminToken}`, "content-type": "application/json" };

beforeAll(async () => {
  worker = await startServer({ port: 8783, persistDir: mkdtempSync(path.join(tmpdir(), "parcours-shares-")) });
  const now = Date.now();
  const batch = ["a1", "a2", "a3"].map((id, i) => ({ type: "page", anonymousId: id, messageId: `share-${i}`, timestamp: new Date(now - 3600_000).toISOString(), properties: { path: "/" } }));
  const res = await fetch(`${worker.url}/v1/batch`, { method: "POST", headers: SECRET, body: JSON.stringify({ batch }) });
  expect(res.status).toBe(200);
  await eventually(() => fetch(`${worker.url}/api/sites/demo/overview`, { headers: { authorization: "Bearer demo-read-token" } }).then((r) => r.json() as Promise<{ people: number }>),
    (o) => o.people === 3, 30_000);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

async function freshPage(): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  return page;
}

const navLabels = (page: Page) => page.locator("nav.views a").allTextContents();

describe("shared links", () => {
  it("opens only its views without a login, and fails right after revoke", async () => {
    const admin = await freshPage();
    await admin.goto(worker.url);
    await admin.getByLabel("Access token").fill(DEMO.adminToken);
    await admin.getByRole("button", { name: "Sign in" }).click();
    await admin.getByRole("link", { name: "Settings" }).click();
    await admin.getByText("No shared link yet.").waitFor();
    // Keep only the overview and the funnel.
    const form = admin.locator("form.add-share");
    for (const box of await form.locator("input[name=views]").all()) {
      const name = await box.getAttribute("value");
      if ((await box.isChecked()) !== (name === "overview" || name === "funnel")) await box.click();
    }
    await form.getByRole("button", { name: "Create link" }).click();
    const url = await admin.locator("input.share-url").inputValue();
    expect(url).toMatch(/\/#share=psh_/);
    await expect.poll(() => admin.locator("ul.shares li").count()).toBe(1);
    // The list never shows the token again.
    expect(await admin.locator("ul.shares").textContent()).not.toContain(url.split("#share=")[1]);

    const visitor = await freshPage();
    await visitor.goto(url);
    await visitor.locator("nav.views").waitFor();
    expect((await navLabels(visitor)).sort()).toEqual(["Funnel", "Overview"]);
    expect(await visitor.locator(".shared-note").textContent()).toContain("Shared read-only view");
    expect(await visitor.getByRole("button", { name: "Sign out" }).count()).toBe(0);
    expect(await visitor.locator("[data-kpi=people] dd").textContent()).toBe("3");
    // The token left the address bar; the tab keeps it for its own navigation.
    expect(visitor.url()).not.toContain("psh_");
    // A view it does not open falls back to one it does; the API refuses it too.
    await visitor.goto(`${worker.url}/#/attribution`);
    await expect.poll(() => visitor.url()).toMatch(/#\/overview$/);
    const token = url.split("#share=")[1];
    const refused = await visitor.evaluate(async (t) => (await fetch("/api/sites/demo/attribution", { headers: { authorization: `Bearer ${t}` } })).status, token);
    expect(refused).toBe(403);
    await visitor.getByRole("link", { name: "Funnel" }).click();
    await visitor.locator("#view.view-funnel").waitFor();

    await admin.locator("ul.shares li").getByRole("button", { name: "Revoke" }).click();
    await admin.getByText("No shared link yet.").waitFor();
    // The next thing the open tab asks is refused: a clear message, no data left on screen.
    await visitor.getByRole("link", { name: "Overview" }).click();
    await visitor.getByText("This shared link was revoked or has expired").waitFor();
    expect(await visitor.locator("nav.views, [data-kpi]").count()).toBe(0);
    // And opening the link afresh shows the same.
    const again = await freshPage();
    await again.goto(url);
    await again.getByText("This shared link was revoked or has expired").waitFor();
    expect(await again.locator("nav.views, [data-kpi]").count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it("opens nothing once expired", async () => {
    const res = await fetch(`${worker.url}/api/admin/sites/demo/shares`, { method: "POST", headers: ADMIN, body: JSON.stringify({ views: ["overview"], expiresAt: Date.now() + 1500 }) });
    expect(res.status).toBe(201);
    const { url } = (await res.json()) as { url: string };
    const token = url.split("#share=")[1];
    await eventually(() => fetch(`${worker.url}/api/share`, { headers: { authorization: `Bearer ${token}` } }), (r) => r.status === 401);
    const page = await freshPage();
    await page.goto(url);
    await page.getByText("This shared link was revoked or has expired").waitFor();
    expect(await page.locator("nav.views, [data-kpi]").count()).toBe(0);
  });

  it("opens a people list only when named, with no CSV link (a plain link cannot carry the token)", async () => {
    const res = await fetch(`${worker.url}/api/admin/sites/demo/shares`, { method: "POST", headers: ADMIN, body: JSON.stringify({ views: ["stalled"] }) });
    const { url } = (await res.json()) as { url: string };
    const page = await freshPage();
    await page.goto(url);
    await page.locator("#view.view-stalled").waitFor();
    expect(await navLabels(page)).toEqual(["Stalled"]);
    await page.getByText("Stalled journeys").waitFor();
    expect(await page.getByRole("link", { name: "Export CSV" }).count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
