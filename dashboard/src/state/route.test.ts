import { describe, expect, it } from "vitest";
import { formatHash, hrefFor, parseHash, patchParams } from "./route";

describe("route in the URL hash", () => {
  it("round-trips a view and its parameters", () => {
    const route = { view: "funnel" as const, params: { steps: "view_product,add_to_cart,purchase", range: "7d", channel: "e-mail & sms" } };
    expect(parseHash(formatHash(route))).toEqual(route);
  });

  it("writes parameters in a stable order, so equal states give equal links", () => {
    expect(formatHash({ view: "paths", params: { to: "purchase", channel: "email" } })).toBe("#/paths?channel=email&to=purchase");
  });

  it("falls back to the overview for an empty or unknown view, and drops empty values", () => {
    expect(parseHash("")).toEqual({ view: "overview", params: {} });
    expect(parseHash("#/nope?channel=")).toEqual({ view: "overview", params: {} });
  });

  it("carries only the shared parameters to another view", () => {
    const href = hrefFor("stalled", { site: "demo", range: "7d", country: "FR", steps: "a,b" }, { person: "u 1" });
    expect(parseHash(href)).toEqual({ view: "stalled", params: { site: "demo", range: "7d", country: "FR", person: "u 1" } });
  });

  it("removes a key patched to empty", () => {
    expect(patchParams({ channel: "email", range: "7d" }, { channel: "", device: "mobile" })).toEqual({ range: "7d", device: "mobile" });
  });
});
