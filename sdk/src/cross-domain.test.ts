import { describe, expect, it } from "vitest";
import { decorate, linkedId, linkValue, stripped } from "./cross-domain";

const ID = "3f6c1a52-8a1e-4c1b-9d1e-2b7f0c9e4a11";
const NOW = 1_800_000_000_000;

describe("cross-domain linking", () => {
  it("reads back the id of a fresh value only", () => {
    expect(linkValue(ID, NOW)).toBe(`${ID}.${NOW.toString(36)}`);
    expect(linkedId(linkValue(ID, NOW), NOW + 5_000)).toBe(ID);
    expect(linkedId(linkValue(ID, NOW), NOW + 119_999)).toBe(ID);
    expect(linkedId(linkValue(ID, NOW), NOW + 120_000)).toBeUndefined();
    // From the future: not a link this browser decorated.
    expect(linkedId(linkValue(ID, NOW), NOW - 1)).toBeUndefined();
    expect(linkedId(null, NOW)).toBeUndefined();
    expect(linkedId(ID, NOW)).toBeUndefined();
    expect(linkedId(`<script>.${NOW.toString(36)}`, NOW)).toBeUndefined();
  });

  it("decorates links to the other listed domains only", () => {
    const domains = ["shop.example", "pay.example"];
    expect(decorate("https://pay.example/checkout?x=1#top", "shop.example", domains, "v")).toBe("https://pay.example/checkout?x=1&_pc=v#top");
    expect(decorate("https://shop.example/other", "shop.example", domains, "v")).toBeUndefined();
    expect(decorate("https://elsewhere.example/", "shop.example", domains, "v")).toBeUndefined();
    // A second click replaces the value instead of adding one.
    expect(decorate("https://pay.example/?_pc=old", "shop.example", domains, "v")).toBe("https://pay.example/?_pc=v");
    expect(decorate("https://pay.example/", "shop.example", domains, "v")).toBe("https://pay.example/?_pc=v");
    expect(decorate("https://pay.example/?d=a,b", "shop.example", domains, "v")).toBe("https://pay.example/?d=a,b&_pc=v");
  });

  it("strips the value from the landing URL, keeping the rest", () => {
    expect(stripped("https://pay.example/checkout?x=1&_pc=v#top")).toBe("https://pay.example/checkout?x=1#top");
    expect(stripped("https://pay.example/checkout?_pc=v")).toBe("https://pay.example/checkout");
    expect(stripped("https://pay.example/checkout?_pc=v&a=b,c&y=%2C")).toBe("https://pay.example/checkout?a=b,c&y=%2C");
    expect(stripped("https://pay.example/checkout?x=1&_pc=v")).toBe("https://pay.example/checkout?x=1");
    expect(stripped("https://pay.example/checkout?_pc=v#top")).toBe("https://pay.example/checkout#top");
    expect(stripped("https://pay.example/checkout?x=1")).toBe("https://pay.example/checkout?x=1");
    expect(stripped("https://pay.example/checkout?x_pc=1")).toBe("https://pay.example/checkout?x_pc=1");
  });
});
