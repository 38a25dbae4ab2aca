// What the browser tests share: the Chromium they launch (TOOLCHAIN.md's flags) and the user agent
// they present, and the read-back of what the worker stored.
import { chromium, type Browser } from "playwright-core";
import { expect } from "vitest";
import type { ApiEvent } from "@parcours/edge/api";

export type StoredEvent = ApiEvent;

export const READ = { Authorization: "Bearer demo-read-token" };

export const launchChromium = () => chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

/** The edge keeps bots aside, and "HeadlessChrome" in the user agent is one: present as the desktop Chrome it is. */
export const desktopUserAgent = (browser: Browser) =>
  `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Safari/537.36`;

/** The demo site's newest stored events. */
export async function storedEvents(workerUrl: string, limit = 200): Promise<StoredEvent[]> {
  const res = await fetch(`${workerUrl}/api/sites/demo/events?limit=${limit}`, { headers: READ });
  expect(res.status).toBe(200);
  return ((await res.json()) as { events: StoredEvent[] }).events;
}

/** Polls until `pick` finds what it wants in what `read` returns (storage goes through a queue). */
export async function eventually<R, T>(read: () => Promise<R>, pick: (value: R) => T | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const found = pick(await read());
    if (found) return found;
    if (Date.now() > end) throw new Error("not stored within " + ms + " ms: " + pick);
    await new Promise((r) => setTimeout(r, 250));
  }
}
