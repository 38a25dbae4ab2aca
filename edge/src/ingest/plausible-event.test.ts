import { describe, expect, it } from "vitest";
import { plausibleMessage, plausiblePath, readPlausibleEvent } from "./plausible-event";

const base = { n: "pageview", u: "https://shop.example/pricing?x=1#plans", d: "shop.example" };

describe("readPlausibleEvent", () => {
  it("reads the tracker's short keys", () => {
    const r = readPlausibleEvent({ ...base, n: "Signup", r: "https://www.google.com/", p: { plan: "pro" }, $: { amount: "19.90", currency: "eur" }, h: 1, i: false, v: 36 });
    expect(r).toEqual({ ok: true, event: {
      name: "Signup", url: base.u, domain: "shop.example", referrer: "https://www.google.com/", props: { plan: "pro" },
      revenue: { amount: 19.9, currency: "EUR" }, hashMode: true, version: "36", engagement: null,
    } });
  });

  it("reads the documented long keys, and props and revenue sent as JSON strings by older scripts", () => {
    const r = readPlausibleEvent({ name: "Purchase", url: base.u, domain: "Shop.example,other.example", referrer: null,
      props: "{\"sku\":\"a1\"}", revenue: "{\"amount\":42,\"currency\":\"USD\"}" });
    expect(r.ok && r.event).toMatchObject({ name: "Purchase", domain: "shop.example", referrer: null, props: { sku: "a1" },
      revenue: { amount: 42, currency: "USD" }, hashMode: false, version: null });
  });

  it("reads an engagement report's scroll depth and engaged time, capping the depth at 100", () => {
    const ok = (body: object) => { const r = readPlausibleEvent(body); return r.ok ? r.event.engagement : r.error; };
    expect(ok({ ...base, n: "engagement", sd: 64, e: 12_345 })).toEqual({ scrollDepth: 64, engagedMs: 12_345 });
    expect(ok({ ...base, n: "engagement", sd: 103, e: 0 })).toEqual({ scrollDepth: 100, engagedMs: 0 });
    expect(ok({ ...base, n: "engagement", e: 3000 })).toEqual({ scrollDepth: null, engagedMs: 3000 });
    expect(ok({ ...base, sd: 50, e: 10 })).toBeNull(); // only on engagement events
  });

  const refusals: [string, unknown, string][] = [
    ["a non-object", [base], "invalid_message"],
    ["no name", { u: base.u, d: base.d }, "n"],
    ["no long name", { url: base.u, domain: base.d }, "name"],
    ["a relative url", { ...base, u: "/pricing" }, "u"],
    ["no domain", { n: "pageview", u: base.u }, "d"],
    ["props as an array", { ...base, p: ["a"] }, "p"],
    ["props as a non-JSON string", { ...base, props: "plan=pro" }, "props"],
    ["revenue without a number", { ...base, $: { amount: "lots", currency: "EUR" } }, "$.amount"],
    ["revenue in no currency", { ...base, revenue: { amount: 5, currency: "euros" } }, "revenue.currency"],
    ["a negative scroll depth", { ...base, n: "engagement", sd: -1, e: 5 }, "sd"],
    ["a text scroll depth", { ...base, n: "engagement", sd: "far", e: 5 }, "sd"],
    ["no engaged time", { ...base, n: "engagement", sd: 5 }, "e"],
    ["a negative engaged time", { ...base, n: "engagement", sd: 5, e: -3 }, "e"],
  ];
  it.each(refusals)("refuses %s, naming the key that was sent", (_n, body, field) => {
    const r = readPlausibleEvent(body);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.field ?? r.error.code).toBe(field);
  });
});

describe("plausiblePath", () => {
  it.each([
    ["https://shop.example/app#/settings/billing", true, "/app#/settings/billing"],
    ["https://shop.example/app#/settings/billing", false, "/app"],
    ["https://shop.example/app#", true, "/app"],
    ["https://shop.example/", true, "/"],
  ])("%s with hash routing %s is %s", (url, hash, path) => expect(plausiblePath(url, hash)).toBe(path));
});

describe("plausibleMessage", () => {
  it("makes a page view a page message and keeps revenue beside the custom properties", () => {
    const r = readPlausibleEvent({ ...base, n: "Purchase", p: { sku: "a1" }, $: { amount: 10, currency: "EUR" }, h: 1, r: "https://news.example/" });
    if (!r.ok) throw new Error(r.error.message);
    expect(plausibleMessage(r.event, "pl-1")).toEqual({
      type: "track", event: "Purchase", messageId: "pl-1", anonymousId: "cookieless",
      properties: { sku: "a1", revenue: 10, currency: "EUR" },
      context: { page: { url: base.u, path: "/pricing#plans", referrer: "https://news.example/" }, privacy: { cookieless: true } },
    });
    const view = readPlausibleEvent({ ...base, v: 36 });
    if (!view.ok) throw new Error(view.error.message);
    expect(plausibleMessage(view.event, "pl-2")).toEqual({
      type: "page", messageId: "pl-2", anonymousId: "cookieless",
      context: { page: { url: base.u, path: "/pricing" }, privacy: { cookieless: true }, library: { name: "plausible", version: "36" } },
    });
  });
});
