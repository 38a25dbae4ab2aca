import { describe, expect, it } from "vitest";
import { collapseRepeats, markovCredits, pathCounts, removalEffects, solve } from "./markov";
import { fromPathTable } from "./test-journeys";

const close = (credits: Record<string, number>, expected: Record<string, number>) => {
  expect(Object.keys(credits).sort()).toEqual(Object.keys(expected).sort());
  for (const [k, v] of Object.entries(expected)) expect(credits[k]).toBeCloseTo(v, 9);
};

describe("markov attribution (published vectors)", () => {
  it.each<{ name: string; table: [string, number, number][]; credits: Record<string, number> }>([
    // Bryl, analyzecore 2016: C1>C2>C3 1/0, C1 0/1, C2>C3 0/1
    { name: "Bryl 2016", table: [["C1>C2>C3", 1, 0], ["C1", 0, 1], ["C2>C3", 0, 1]], credits: { C1: 0.2, C2: 0.4, C3: 0.4 } },
    { name: "Puzyrov 2019", table: [["ga", 2, 1], ["mailing", 1, 0], ["ga>mailing", 1, 0]], credits: { ga: 2.4, mailing: 1.6 } },
    { name: "eeghor/mta a/b/c", table: [["a>b", 3, 1], ["a>c", 1, 1]], credits: { a: 2.0, b: 1.5, c: 0.5 } },
  ])("$name", ({ table, credits }) => {
    const journeys = fromPathTable(table);
    const total = journeys.filter((j) => j.converted).length;
    close(markovCredits(journeys, total), credits);
  });

  it("gives Bryl's conversion probability of 1/3", () => {
    const { conversionProbability } = removalEffects(pathCounts(fromPathTable([["C1>C2>C3", 1, 0], ["C1", 0, 1], ["C2>C3", 0, 1]])));
    expect(conversionProbability).toBeCloseTo(1 / 3, 12);
  });

  it("collapses consecutive repeats only", () => {
    expect(collapseRepeats(["email", "email", "web", "email"])).toEqual(["email", "web", "email"]);
  });

  it("solves a linear system exactly", () => {
    // 2x + y = 5, x - y = 1 -> x = 2, y = 1
    const [x, y] = solve([[2, 1, 5], [1, -1, 1]]);
    expect(x).toBeCloseTo(2, 12);
    expect(y).toBeCloseTo(1, 12);
  });

  it("credits nothing when nothing converts", () => {
    expect(markovCredits(fromPathTable([["a>b", 0, 3]]), 0)).toEqual({});
  });
});
