import { describe, expect, it } from "vitest";
import { bucketLabel, bucketStart, bucketsBetween } from "./buckets";
import { cohorts } from "./cohorts";

const t = (iso: string) => Date.parse(iso);

describe("buckets", () => {
  it.each([
    ["2026-11-04T15:20:00Z", "week", "2026-11-02"],
    ["2026-11-02T00:00:00Z", "week", "2026-11-02"],
    ["2026-11-08T23:59:59Z", "week", "2026-11-02"],
    ["2026-11-30T10:00:00Z", "month", "2026-11-01"],
    ["2026-11-30T10:00:00Z", "day", "2026-11-30"],
  ] as const)("%s in a %s starts %s", (iso, interval, label) => {
    expect(bucketLabel(bucketStart(t(iso), interval), interval)).toBe(label);
  });
  it("lists the buckets of a range", () => {
    expect(bucketsBetween(t("2026-10-30T12:00:00Z"), t("2026-12-01T00:00:00Z"), "month").map((b) => bucketLabel(b, "month"))).toEqual([
      "2026-10-01",
      "2026-11-01",
      "2026-12-01",
    ]);
  });
});

describe("cohorts", () => {
  const week = (iso: string) => bucketStart(t(iso), "week");
  it("counts each cohort's people in the weeks after it", () => {
    const people = [
      { firstSeen: t("2026-11-03T10:00:00Z"), activeBuckets: new Set([week("2026-11-03"), week("2026-11-10"), week("2026-11-24")]) },
      { firstSeen: t("2026-11-04T10:00:00Z"), activeBuckets: new Set([week("2026-11-04"), week("2026-11-17")]) },
      { firstSeen: t("2026-11-12T10:00:00Z"), activeBuckets: new Set([week("2026-11-12"), week("2026-11-17")]) },
      { firstSeen: t("2026-10-01T10:00:00Z"), activeBuckets: new Set([week("2026-11-03")]) },
    ];
    expect(cohorts(people, "week", t("2026-11-02T00:00:00Z"), t("2026-11-25T00:00:00Z"))).toEqual([
      { cohort: "2026-11-02", size: 2, retained: [2, 1, 1, 1] },
      { cohort: "2026-11-09", size: 1, retained: [1, 1, 0] },
    ]);
  });
});
