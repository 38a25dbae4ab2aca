import { describe, expect, it, vi } from "vitest";
import { ApiError, createClient, toSearch } from "./api";

function fakeFetch(routes: Record<string, [number, unknown]>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const [status, body] = routes[url.split("?")[0]] ?? [404, { error: { message: "not found" } }];
    return new Response(body === null ? null : JSON.stringify(body), { status });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

describe("read API client", () => {
  it("leaves empty query values out so the API applies its defaults", () => {
    expect(toSearch({ from: "2026-11-01", channel: "", device: undefined, top: 20 })).toBe("?from=2026-11-01&top=20");
  });

  it("sends the cookie and reads the site list at login", async () => {
    const { fetch, calls } = fakeFetch({ "/api/login": [200, { sites: [{ id: "demo", name: "Demo" }, { name: "no id" }], admin: false }] });
    const session = await createClient({ fetch }).login("demo-read-token");
    expect(session).toEqual({ sites: [{ id: "demo", name: "Demo" }], admin: false });
    expect(calls[0].init.credentials).toBe("same-origin");
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ token: "demo-read-token" });
  });

  it("reports a refused token as a 401 without treating it as an expired session", async () => {
    const onUnauthorized = vi.fn();
    const { fetch } = fakeFetch({ "/api/login": [401, { error: { code: "unauthorized", message: "bad token" } }] });
    const error = await createClient({ fetch, onUnauthorized }).login("nope").catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(401);
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it("signals an expired session on any other 401, and session() answers null", async () => {
    const onUnauthorized = vi.fn();
    const { fetch } = fakeFetch({ "/api/session": [401, {}], "/api/sites/demo/overview": [401, {}] });
    const client = createClient({ fetch, onUnauthorized });
    expect(await client.session()).toBeNull();
    await expect(client.site("demo").overview({})).rejects.toThrow(ApiError);
    expect(onUnauthorized).toHaveBeenCalledTimes(2);
  });

  it("turns missing or mistyped fields into nulls and empty lists", async () => {
    const { fetch } = fakeFetch({
      "/api/sites/demo/overview": [200, { people: 12, conversionRate: "high" }],
      "/api/sites/demo/journeys/stats": [200, { histogram: [{ touchpoints: 2, journeys: "3" }] }],
      "/api/sites/demo/paths": [200, { sankey: { nodes: ["email", { name: "purchase" }], links: [{ source: 0, target: 1, value: 4 }, { source: 0, target: 9, value: 1 }] } }],
    });
    const site = createClient({ fetch }).site("demo");
    const overview = await site.overview({});
    expect(overview.people).toBe(12);
    expect(overview.conversionRate).toBeNull();
    expect(overview.medianTimeToConvertMs).toBeNull();
    expect(await site.journeyStats({})).toEqual({
      journeys: null,
      histogram: [{ touchpoints: 2, journeys: 0, conversions: 0, conversionRate: 0 }],
      channelCount: {},
      stages: [],
    });
    expect(await site.paths({})).toEqual({
      paths: [],
      sankey: { nodes: ["email", "purchase"], links: [{ source: 0, target: 1, value: 4 }] },
    });
  });

  it("reads churn rows that name a channel or an event", async () => {
    const { fetch } = fakeFetch({
      "/api/sites/demo/churn": [200, { event: "unsubscribe", churned: 4, touchpoints: [
        { channel: "email", churnedShare: 0.5, baseShare: 0.25, lift: 2 },
        { event: "ticket_opened", churnedShare: 0.3, baseShare: 0.1, lift: 3 },
        { name: "quote_requested", churnedShare: 1, baseShare: 0.3, lift: 3.3 },
      ] }],
    });
    const churn = await createClient({ fetch }).site("demo").churn({ event: "unsubscribe" });
    expect(churn.touchpoints.map((t) => [t.kind, t.name])).toEqual([
      ["channel", "email"],
      ["event", "ticket_opened"],
      [null, "quote_requested"],
    ]);
  });

  it("escapes the site and person in paths", async () => {
    const { fetch, calls } = fakeFetch({});
    const site = createClient({ fetch }).site("a/b");
    await site.timeline("user 1/2").catch(() => undefined);
    expect(calls[0].url).toBe("/api/sites/a%2Fb/people/user%201%2F2/timeline");
    expect(site.url("/stalled", { format: "csv" })).toBe("/api/sites/a%2Fb/stalled?format=csv");
  });
});
