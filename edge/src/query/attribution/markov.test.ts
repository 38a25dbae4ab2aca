import { describe, expect, it } from "vitest";
import { collapseRepeats, invert, markovCredits, pathCounts, removalEffects } from "./markov";
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

  it("inverts a matrix", () => {
    // [[2, 1], [1, -1]]^-1 = [[1/3, 1/3], [1/3, -2/3]]
    const inverse = invert([[2, 1], [1, -1]]);
    [[1 / 3, 1 / 3], [1 / 3, -2 / 3]].forEach((row, i) => row.forEach((v, j) => expect(inverse[i][j]).toBeCloseTo(v, 12)));
  });

  it("removes a state exactly as a solve without it would", () => {
    // a>b>c converts, a>c does not: P = 1/2. Without a or c nothing converts (RE = 1).
    const { effects, conversionProbability } = removalEffects(pathCounts(fromPathTable([["a>b>c", 1, 0], ["a>c", 0, 1]])));
    expect(conversionProbability).toBeCloseTo(1 / 2, 12);
    // Without b, a goes to c with probability 1/2 and c converts with probability 1/2 (1 of 2 visits).
    expect(effects.b).toBeCloseTo(1 - (1 / 2) * (1 / 2) / (1 / 2), 12);
    expect(effects.a).toBeCloseTo(1, 12);
    expect(effects.c).toBeCloseTo(1, 12);
  });

  // Its speed at this size shows in `npm run bench` (attribution over the seeded journeys).
  it("solves a chain of hundreds of groups, crediting exactly the conversions", () => {
    const table: [string, number, number][] = Array.from({ length: 300 }, (_, i) => [`c${i}>c${(i * 7) % 300}>c${(i * 13) % 300}`, i % 3, 1]);
    const credits = markovCredits(fromPathTable(table), 299);
    expect(Object.keys(credits)).toHaveLength(300);
    expect(Object.values(credits).reduce((x, y) => x + y, 0)).toBeCloseTo(299, 6);
  });

  it("credits nothing when nothing converts", () => {
    expect(markovCredits(fromPathTable([["a>b", 0, 3]]), 0)).toEqual({});
  });
});
