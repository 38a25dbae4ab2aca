import { describe, expect, it } from "vitest";
import { changePct, judgeAlert, periodBounds } from "./alert-rule";

const t = (iso: string) => Date.parse(iso);

describe("periodBounds", () => {
  it("judges yesterday, against the day before", () => {
    const { current, previous } = periodBounds(t("2026-11-25T10:30:00Z"), "day");
    expect(current).toEqual({ from: t("2026-11-24T00:00:00Z"), to: t("2026-11-25T00:00:00Z") });
    expect(previous).toEqual({ from: t("2026-11-23T00:00:00Z"), to: t("2026-11-24T00:00:00Z") });
  });

  it("judges last week from Monday 00:00 UTC, whatever the day now", () => {
    // 2026-11-30 is a Monday.
    for (const now of ["2026-11-30T00:00:00Z", "2026-12-02T12:00:00Z", "2026-12-06T23:59:59Z"]) {
      const { current, previous } = periodBounds(t(now), "week");
      expect(current, now).toEqual({ from: t("2026-11-23T00:00:00Z"), to: t("2026-11-30T00:00:00Z") });
      expect(previous, now).toEqual({ from: t("2026-11-16T00:00:00Z"), to: t("2026-11-23T00:00:00Z") });
    }
    expect(new Date(periodBounds(t("2026-11-29T23:00:00Z"), "week").current.from).getUTCDay()).toBe(1);
  });
});

describe("judgeAlert", () => {
  const none = { above: null, below: null, changePct: null };
  it.each([
    [{ ...none, above: 10 }, 11, null, "above 10"],
    [{ ...none, above: 10 }, 10, null, null],
    [{ ...none, below: 2 }, 1, 5, "below 2"],
    [{ ...none, changePct: 25 }, 75, 100, "down 25.0% against the previous period (limit 25%)"],
    [{ ...none, changePct: 25 }, 120, 100, null],
    [{ ...none, changePct: 25 }, 5, 0, null],
    [{ ...none, above: 1 }, null, 3, null],
  ])("%j with %s (previous %s) -> %s", (limits, value, previous, reason) => {
    expect(judgeAlert(limits, value, previous)).toBe(reason);
  });

  it("measures change against the previous value", () => {
    expect(changePct(150, 100)).toBe(50);
    expect(changePct(50, 100)).toBe(-50);
    expect(changePct(1, null)).toBeNull();
  });
});
