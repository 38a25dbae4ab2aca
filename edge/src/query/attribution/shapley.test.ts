import { describe, expect, it } from "vitest";
import { SHAPLEY_MAX_GROUPS, shapleyCredits, shapleyValues } from "./shapley";
import { fromPathTable } from "./test-journeys";

describe("shapley", () => {
  it("reproduces the DP6 worked example from coalition worths", () => {
    // players O = bit 0, F = bit 1, D = bit 2; worth[mask]
    const worth = [0, 7, 6, 15, 4, 7, 9, 19];
    const [o, f, d] = shapleyValues(3, worth);
    expect(o).toBeCloseTo(23 / 3, 12);
    expect(f).toBeCloseTo(49 / 6, 12);
    expect(d).toBeCloseTo(19 / 6, 12);
  });

  it("normalises credits to the conversions", () => {
    const journeys = fromPathTable([["direct", 2, 1], ["search>email", 3, 2], ["search>social>email", 5, 4]]);
    const credits = shapleyCredits(journeys, 10);
    expect(Object.values(credits).reduce((a, b) => a + b, 0)).toBeCloseTo(10, 9);
    // direct only ever converts alone: its value is its own conversion rate, 2/3, of v(N) = 2/3 + 3/5 + 5/9
    expect(credits.direct).toBeCloseTo((10 * (2 / 3)) / (2 / 3 + 3 / 5 + 5 / 9), 9);
  });

  it("folds the smallest groups into other past the exact limit", () => {
    const table: [string, number, number][] = Array.from({ length: SHAPLEY_MAX_GROUPS + 4 }, (_, i) => [`c${i}`, 1, i < 4 ? 0 : 1]);
    const credits = shapleyCredits(fromPathTable(table), SHAPLEY_MAX_GROUPS + 4);
    expect(Object.keys(credits)).toHaveLength(SHAPLEY_MAX_GROUPS);
    expect(credits.other).toBeGreaterThan(0);
    expect(Object.values(credits).reduce((a, b) => a + b, 0)).toBeCloseTo(SHAPLEY_MAX_GROUPS + 4, 9);
  });
});
