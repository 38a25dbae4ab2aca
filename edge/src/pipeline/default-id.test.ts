import { describe, expect, it } from "vitest";
import { defaultId } from "./store";

describe("new ids", () => {
  it("are the prefix and 14 letters or digits, drawn afresh each time, every character in use", () => {
    const ids = Array.from({ length: 5000 }, () => defaultId("p_"));
    for (const id of ids) expect(id).toMatch(/^p_[0-9A-Za-z]{14}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // 70,000 characters: each of the 62 shows up (a biased or narrower draw would leave some out or pile on others).
    const counts = new Map<string, number>();
    for (const id of ids) for (const c of id.slice(2)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    expect(Math.max(...counts.values()) / Math.min(...counts.values())).toBeLessThan(1.5);
  });
});
