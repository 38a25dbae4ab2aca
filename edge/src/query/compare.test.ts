import { describe, expect, it } from "vitest";
import { comparedRange, yearEarlier } from "./compare";

const ms = (iso: string) => Date.parse(iso);

describe("comparedRange", () => {
  it("previous: the range of equal length that ends just before this one starts", () => {
    const range = { from: ms("2026-11-01T00:00:00.000Z"), to: ms("2026-11-30T23:59:59.999Z") };
    const prev = comparedRange(range, "previous");
    expect(prev).toEqual({ from: ms("2026-10-02T00:00:00.000Z"), to: ms("2026-10-31T23:59:59.999Z") });
    expect(prev.to - prev.from).toBe(range.to - range.from);
  });

  it("previous of an empty-length range is the millisecond before it", () => {
    expect(comparedRange({ from: 1000, to: 1000 }, "previous")).toEqual({ from: 999, to: 999 });
  });

  it("year: the same calendar range a year earlier", () => {
    expect(comparedRange({ from: ms("2026-03-01T10:00:00.000Z"), to: ms("2026-03-31T10:00:00.000Z") }, "year"))
      .toEqual({ from: ms("2025-03-01T10:00:00.000Z"), to: ms("2025-03-31T10:00:00.000Z") });
  });

  it("year: 29 February falls on the 28th, not on 1 March", () => {
    expect(yearEarlier(ms("2028-02-29T12:00:00.000Z"))).toBe(ms("2027-02-28T12:00:00.000Z"));
    expect(yearEarlier(ms("2029-03-01T00:00:00.000Z"))).toBe(ms("2028-03-01T00:00:00.000Z"));
  });
});
