import { describe, expect, it } from "vitest";
import { percentile } from "./percentile";
import { rate, vitalsByPage, withEngagement, type VitalName } from "./vitals";

describe("percentile", () => {
  it.each([
    [[1, 2, 3, 4], 0.75, 3.25],
    [[10], 0.75, 10],
    [[4, 1, 3, 2, 5], 0.5, 3],
  ])("%j p%d", (values, p, expected) => expect(percentile(values, p)).toBeCloseTo(expected, 12));
  it("is null without values", () => expect(percentile([], 0.75)).toBeNull());
});

describe("web.dev thresholds", () => {
  it.each<[VitalName, number, string]>([
    ["LCP", 2500, "good"],
    ["LCP", 2501, "needsImprovement"],
    ["LCP", 4001, "poor"],
    ["INP", 200, "good"],
    ["INP", 500, "needsImprovement"],
    ["CLS", 0.1, "good"],
    ["CLS", 0.26, "poor"],
    ["FCP", 3000, "needsImprovement"],
    ["TTFB", 1801, "poor"],
  ])("%s %d is %s", (name, value, rating) => expect(rate(name, value)).toBe(rating));
});

describe("vitals by page", () => {
  it("gives p75 and rating shares per page and metric", () => {
    const lcp = [1000, 2000, 3000, 5000].map((value) => ({ path: "/", name: "LCP" as const, value }));
    const pages = vitalsByPage([...lcp, { path: "/cart", name: "CLS", value: 0.05 }]);
    expect(pages).toEqual([
      { path: "/", samples: 4, metrics: { LCP: { p75: 3500, rating: "needsImprovement", good: 0.5, needsImprovement: 0.25, poor: 0.25 } } },
      { path: "/cart", samples: 1, metrics: { CLS: { p75: 0.05, rating: "good", good: 1, needsImprovement: 0, poor: 0 } } },
    ]);
  });
});

describe("engagement beside the vitals", () => {
  const held = (visits: number) => ({ visits, samples: visits * 2, scrollDepthAvg: 60, engagedMsAvg: 12_000 });

  it("joins a page's engagement to its vitals and lists engagement-only pages after, most visits first", () => {
    const pages = vitalsByPage([{ path: "/", name: "LCP", value: 1000 }]);
    const out = withEngagement(pages, new Map([["/b", held(1)], ["/", held(3)], ["/a", held(5)]]));
    expect(out.map((p) => [p.path, p.samples, p.engagement?.visits])).toEqual([["/", 1, 3], ["/a", 0, 5], ["/b", 0, 1]]);
    expect(out[1].metrics).toEqual({});
  });

  it("leaves a page without engagement as it was", () => {
    const pages = vitalsByPage([{ path: "/", name: "CLS", value: 0.01 }]);
    expect(withEngagement(pages, new Map())).toEqual(pages);
    expect("engagement" in withEngagement(pages, new Map([["/other", held(1)]]))[0]).toBe(false);
  });
});
