import { describe, expect, it } from "vitest";
import { cacheKey } from "./answer-cache";

describe("answer cache key", () => {
  const at = (url: string, now: number) => cacheKey(new URL(url), now);
  it("ignores the order of parameters", () => {
    expect(at("http://x/a?b=1&a=2&to=5", 0)).toBe(at("http://x/a?a=2&b=1&to=5", 0));
  });
  it("keys a range that ends now by the minute", () => {
    expect(at("http://x/a", 60_000)).toBe(at("http://x/a", 119_999));
    expect(at("http://x/a", 60_000)).not.toBe(at("http://x/a", 120_000));
    expect(at("http://x/a?to=9", 60_000)).toBe(at("http://x/a?to=9", 120_000));
  });
  it("keeps paths apart", () => expect(at("http://x/a?to=1", 0)).not.toBe(at("http://x/b?to=1", 0)));
});
