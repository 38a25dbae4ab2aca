import { describe, expect, it } from "vitest";
import { DAY_MS } from "../journeys";
import { creditByRule, firstTouch, lastNonDirect, lastTouch, linear, positionBased, timeDecay, type Weigh } from "./rules";
import { fromPathTable } from "./test-journeys";

// eeghor/mta fixture: direct 2/1, search>email 3/2, search>social>email 5/4
const eeghor = fromPathTable([["direct", 2, 1], ["search>email", 3, 2], ["search>social>email", 5, 4]]);

describe("rule-based models on the eeghor/mta fixture", () => {
  it.each<[string, Weigh, Record<string, number>]>([
    ["first touch", firstTouch, { direct: 2, search: 8 }],
    ["last touch", lastTouch, { direct: 2, email: 8 }],
    ["linear", linear, { direct: 2, search: 19 / 6, email: 19 / 6, social: 5 / 3 }],
    ["position based", positionBased, { direct: 2, search: 3.5, email: 3.5, social: 1 }],
  ])("%s", (_, weigh, expected) => {
    const credits = creditByRule(eeghor, weigh);
    expect(Object.keys(credits).length).toBeGreaterThan(0);
    expect(Object.keys(credits).sort()).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) expect(credits[k]).toBeCloseTo(v, 12);
  });
});

describe("time decay, half-life 7 days", () => {
  const steps = (daysBefore: number[]) => daysBefore.map((d, i) => ({ key: `t${i}`, channel: "web", ts: 100 * DAY_MS - d * DAY_MS }));
  it.each([
    { days: [8, 1], weights: [1 / 3, 2 / 3], digits: 12 },
    { days: [14, 7, 1, 0], weights: [0.0941, 0.1883, 0.341, 0.3765], digits: 4 },
  ])("touchpoints $days days before", ({ days, weights, digits }) => {
    const got = timeDecay(steps(days), 100 * DAY_MS);
    expect(got).toHaveLength(weights.length);
    weights.forEach((w, i) => expect(got[i]).toBeCloseTo(w, digits));
  });
});

describe("edge cases of the rules", () => {
  const at = (channels: string[]) => channels.map((channel, i) => ({ key: channel, channel, ts: i }));
  it.each<[string, Weigh, string[], number[]]>([
    ["position based, one touchpoint", positionBased, ["email"], [1]],
    ["position based, two touchpoints", positionBased, ["email", "web"], [0.5, 0.5]],
    ["position based, four touchpoints", positionBased, ["a", "b", "c", "d"], [0.4, 0.1, 0.1, 0.4]],
    ["last non-direct skips direct", lastNonDirect, ["email", "direct", "direct"], [1, 0, 0]],
    ["last non-direct, all direct", lastNonDirect, ["direct", "direct"], [0, 1]],
    ["linear counts repeats", linear, ["email", "email", "web"], [1 / 3, 1 / 3, 1 / 3]],
  ])("%s", (_, weigh, channels, expected) => {
    const got = weigh(at(channels), channels.length);
    expect(got).toHaveLength(expected.length);
    got.forEach((w, i) => expect(w).toBeCloseTo(expected[i], 12));
  });

  it("credits revenue when the journey is worth its revenue", () => {
    const journeys = [{ steps: at(["email", "web"]), endTs: 2, converted: true, value: 80 }];
    expect(creditByRule(journeys, linear)).toEqual({ email: 40, web: 40 });
  });
});
