import { describe, expect, it } from "vitest";
import { resolveRange } from "./range";

const NOW = Date.UTC(2026, 10, 30, 12, 0);
const DAY = 86_400_000;

describe("resolveRange", () => {
  it("defaults to the last 30 days", () => {
    expect(resolveRange({}, NOW)).toEqual({ from: new Date(NOW - 30 * DAY).toISOString(), to: new Date(NOW).toISOString() });
  });

  it("reads hour and day presets", () => {
    expect(resolveRange({ range: "24h" }, NOW).from).toBe(new Date(NOW - DAY).toISOString());
    expect(resolveRange({ range: "7d" }, NOW).from).toBe(new Date(NOW - 7 * DAY).toISOString());
  });

  it("treats custom dates as whole UTC days, the last one included", () => {
    expect(resolveRange({ range: "custom", from: "2026-11-01", to: "2026-11-02" }, NOW)).toEqual({
      from: "2026-11-01T00:00:00.000Z",
      to: "2026-11-03T00:00:00.000Z",
    });
  });

  it("ignores a malformed or reversed custom range", () => {
    const fallback = resolveRange({}, NOW);
    expect(resolveRange({ range: "custom", from: "2026-11-05", to: "2026-11-01" }, NOW)).toEqual(fallback);
    expect(resolveRange({ range: "custom", from: "yesterday", to: "2026-11-01" }, NOW)).toEqual(fallback);
    expect(resolveRange({ range: "fortnight" }, NOW)).toEqual(fallback);
  });
});
