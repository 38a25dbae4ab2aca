import { describe, expect, it } from "vitest";
import { eventLabel, formatChange, formatDateTime, formatDecimal, formatDuration, formatInt, formatLift, formatPercent, toMs } from "./format";

describe("format", () => {
  it.each([
    [1234567, "1,234,567"],
    [0, "0"],
    [undefined, "—"],
    [Number.NaN, "—"],
  ])("formatInt(%s) = %s", (value, text) => expect(formatInt(value)).toBe(text));

  it.each([
    [0.1234, "12%"],
    [0.004, "0.4%"],
    [0, "0%"],
    [1, "100%"],
    [null, "—"],
  ])("formatPercent(%s) = %s", (value, text) => expect(formatPercent(value)).toBe(text));

  it.each([
    [500, "500ms"],
    [12_000, "12s"],
    [35 * 60_000, "35m"],
    [(2 * 24 + 4) * 3_600_000 + 59_000, "2d 4h"],
    [3_600_000 + 30_000, "1h"],
    [-1, "—"],
    ["soon", "—"],
  ])("formatDuration(%s) = %s", (ms, text) => expect(formatDuration(ms)).toBe(text));

  it("keeps one decimal for credits and lift", () => {
    expect(formatDecimal(2.345)).toBe("2.3");
    expect(formatLift(1.84)).toBe("×1.8");
    expect(formatLift(12.4)).toBe("×12");
  });

  it("names page views by their path when they carry no event name", () => {
    expect(eventLabel({ type: "track", event: "purchase", page: { path: "/cart" } })).toBe("purchase");
    expect(eventLabel({ type: "page", event: null, page: { path: "/pricing" } })).toBe("page /pricing");
    expect(eventLabel({ type: "identify", event: null })).toBe("identify");
  });

  it("reads ISO strings and epoch milliseconds alike, in UTC", () => {
    const ms = Date.UTC(2026, 10, 3, 14, 5);
    expect(toMs(new Date(ms).toISOString())).toBe(ms);
    expect(toMs("not a date")).toBeNull();
    expect(formatDateTime(ms)).toBe("2026-11-03 14:05");
    expect(formatDateTime("2026-11-03T14:05:59Z")).toBe("2026-11-03 14:05");
  });
});

describe("formatChange", () => {
  it.each([
    [120, 100, "+20%", "up"],
    [80, 100, "-20%", "down"],
    [103, 100, "+3%", "up"],
    [100.4, 100, "+0.4%", "up"],
    [100, 100, "0%", "flat"],
    [5, 0, "new", "up"],
    [0, 0, "0%", "flat"],
    [0, 7, "-100%", "down"],
    [-2, -4, "+50%", "up"],
    [null, 4, "—", "flat"],
    [3, undefined, "—", "flat"],
    [Number.NaN, 1, "—", "flat"],
  ])("%s against %s: %s", (current, previous, text, direction) => {
    expect(formatChange(current, previous)).toEqual({ text, direction });
  });
});
