import { describe, expect, it } from "vitest";
import { pageKey } from "./page";

describe("pageKey", () => {
  it.each([
    ["https://x.test/a?q=1#top", false, "/a"],
    ["https://x.test/a?q=2#other", false, "/a"],
    ["https://x.test/#/products", true, "/#/products"],
    ["https://x.test/#/products", false, "/"],
  ])("%s with hash routing %s -> %s", (url, hash, key) => {
    expect(pageKey(new URL(url), hash)).toBe(key);
  });
});
