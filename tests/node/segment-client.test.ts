// An unmodified Segment server client (@segment/analytics-node), pointed at Parcours with the
// site's secret key, must just work: every message stored once, and the person's timeline shows
// the anonymous events from before identify.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Analytics } from "@segment/analytics-node";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServer } from "../../scripts/dev-server.mjs";

let server: Awaited<ReturnType<typeof startServer>>;
const auth = { authorization: "Bearer demo-read-token" };

beforeAll(async () => {
  server = await startServer({ port: 8790 + Math.floor(Math.random() * 100), persistDir: mkdtempSync(path.join(tmpdir(), "parcours-seg-")) });
});
afterAll(async () => server?.stop());

async function poll<T>(get: () => Promise<T>, done: (v: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  let v = await get();
  while (!done(v) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    v = await get();
  }
  return v;
}

describe("Segment's own Node client against the local worker", () => {
  it("stores identify/track/page/alias once each and stitches the anonymous past", async () => {
    const analytics = new Analytics({ writeKey: "demo-secret-key", host: server.url, flushAt: 3, flushInterval: 200 });
    const anon = `anon-${Date.now()}`;
    const user = `user-${Date.now()}`;
    const hourAgo = new Date(Date.now() - 3600_000);
    analytics.page({ anonymousId: anon, name: "Pricing", properties: { path: "/pricing", url: "https://shop.example/pricing?utm_source=google&utm_medium=cpc" }, timestamp: hourAgo });
    analytics.track({ anonymousId: anon, event: "quote_requested", timestamp: new Date(hourAgo.getTime() + 60_000) });
    analytics.identify({ anonymousId: anon, userId: user, traits: { email: "ada@example.com" } });
    analytics.track({ userId: user, event: "purchase", properties: { revenue: 42 }, context: { channel: "store" } } as never);
    analytics.alias({ userId: user, previousId: `crm-${user}` });
    await analytics.closeAndFlush({ timeout: 10_000 });

    const timeline = await poll(
      async () => (await fetch(`${server.url}/api/sites/demo/people/${user}/timeline`, { headers: auth })).json() as Promise<any>,
      (t) => t.events?.length === 5,
    );
    // The first two were sent with explicit times an hour ago; the last three within the same
    // instant, so only their set is certain, not their order.
    const types = timeline.events.map((e: any) => e.type);
    expect(types.slice(0, 2)).toEqual(["page", "track"]);
    expect(types.slice(2).sort()).toEqual(["alias", "identify", "track"]);
    expect(timeline.anonymousIds).toContain(anon);
    expect(timeline.userIds).toEqual(expect.arrayContaining([user]));
    // The anonymous page view from before identify is part of the person's journey.
    expect(timeline.events[0]).toMatchObject({ anonymousId: anon, channel: "paid_search" });
    expect(timeline.events.find((e: any) => e.event === "purchase")).toMatchObject({ channel: "store", touchpoint: true });

    // Re-sending the same messages (a retry) stores nothing twice.
    const ids = timeline.events.map((e: any) => e.messageId);
    expect(new Set(ids).size).toBe(5);
    const events = await (await fetch(`${server.url}/api/sites/demo/events?limit=50`, { headers: auth })).json() as any;
    expect(events.events.filter((e: any) => ids.includes(e.messageId))).toHaveLength(5);
  });
});
