import { describe, expect, it, vi } from "vitest";
import { ApiError, createClient, toSearch } from "./client";

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
    expect(session).toEqual({ signedIn: true, sites: [{ id: "demo", name: "Demo" }], admin: false });
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

  it("reads a signed-out session (200) as null, and signals an expired session on a 401", async () => {
    const onUnauthorized = vi.fn();
    const { fetch } = fakeFetch({ "/api/session": [200, { signedIn: false }], "/api/sites/demo/overview": [401, {}] });
    const client = createClient({ fetch, onUnauthorized });
    expect(await client.session()).toBeNull();
    expect(onUnauthorized).not.toHaveBeenCalled();
    await expect(client.site("demo").overview({})).rejects.toThrow(ApiError);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it("turns missing or mistyped fields into what the contract allows: 0, null only where it says null, empty lists", async () => {
    const { fetch } = fakeFetch({
      "/api/sites/demo/overview": [200, { people: 12, conversionRate: "high" }],
      "/api/sites/demo/journeys/stats": [200, { histogram: [{ touchpoints: 2, journeys: "3" }] }],
      "/api/sites/demo/paths": [200, { sankey: { nodes: [{ name: "email", step: 0 }, { name: "purchase", step: 1 }], links: [{ source: 0, target: 1, value: 4 }, { source: 0, target: 9, value: 1 }] } }],
    });
    const site = createClient({ fetch }).site("demo");
    const overview = await site.overview({});
    expect(overview.people).toBe(12);
    expect(overview.conversionRate).toBe(0);
    expect(overview.medianTimeToConvertMs).toBeNull();
    expect(await site.journeyStats({})).toEqual({
      journeys: 0,
      histogram: [{ touchpoints: 2, journeys: 0, conversions: 0, conversionRate: 0 }],
      channelCount: { "1": 0, "2": 0, "3+": 0 },
      stages: [],
    });
    // Sankey nodes are the edge's {name, step} (a channel at a position); a link to no node is dropped.
    expect(await site.paths({})).toEqual({
      paths: [],
      sankey: { nodes: [{ name: "email", step: 0 }, { name: "purchase", step: 1 }], links: [{ source: 0, target: 1, value: 4 }] },
    });
  });

  it("escapes the site and person in paths", async () => {
    const { fetch, calls } = fakeFetch({});
    const site = createClient({ fetch }).site("a/b");
    await site.timeline("user 1/2").catch(() => undefined);
    expect(calls[0].url).toBe("/api/sites/a%2Fb/people/user%201%2F2/timeline");
    expect(site.url("/stalled", { format: "csv" })).toBe("/api/sites/a%2Fb/stalled?format=csv");
  });
});
