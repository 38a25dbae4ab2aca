import { describe, expect, it } from "vitest";
import { journeysAfter, pathOf, topPaths, transitions } from "./paths";

const j = (path: string, converted = false) => ({ channels: path.split(">"), converted });

describe("paths", () => {
  it.each<[string, number, "first" | "last", string[]]>([
    ["email>email>web", 5, "last", ["email", "web"]],
    ["a>b>c>d", 2, "last", ["c", "d"]],
    ["a>b>c>d", 2, "first", ["a", "b"]],
  ])("path of %s (max %i, keep %s)", (path, max, keep, expected) => {
    expect(pathOf(path.split(">"), max, keep)).toEqual(expected);
  });

  it("ranks the top paths and folds the rest into other", () => {
    const journeys = [j("email>web", true), j("email>web"), j("email>email>web", true), j("social"), j("phone>store", true), j("chat")];
    const { paths } = topPaths(journeys, 5, 2, "last");
    expect(paths).toEqual([
      { steps: ["email", "web"], journeys: 3, conversions: 2 },
      { steps: ["phone", "store"], journeys: 1, conversions: 1 },
      { steps: ["other"], journeys: 2, conversions: 0 },
    ]);
  });

  it("draws the Sankey of the top paths by position", () => {
    const { sankey } = topPaths([j("email>web"), j("email>web"), j("email>store")], 5, 10, "last");
    expect(sankey.nodes).toEqual([
      { name: "email", step: 0 },
      { name: "web", step: 1 },
      { name: "store", step: 1 },
    ]);
    expect(sankey.links).toEqual([
      { source: 0, target: 1, value: 2 },
      { source: 0, target: 2, value: 1 },
    ]);
  });
});

describe("transitions", () => {
  it("counts switches from row to column, repeats on the diagonal", () => {
    expect(transitions([["phone", "chat", "web"], ["web", "web"]].map((channels) => ({ channels, converted: false })))).toEqual({
      channels: ["web", "chat", "phone"],
      matrix: [
        [1, 0, 0],
        [1, 0, 0],
        [0, 1, 0],
      ],
    });
  });
});

describe("journeys after an event", () => {
  it("keeps the touchpoints from the start on and sees a later conversion", () => {
    const starts = new Map([["p1", 10], ["p2", 10]]);
    const touchpoints = new Map([["p1", [{ ts: 5, channel: "web" }, { ts: 10, channel: "phone" }, { ts: 20, channel: "email" }]]]);
    const conversions = new Map([["p1", [30]], ["p2", [5]]]);
    expect(journeysAfter(starts, touchpoints, conversions)).toEqual([
      { channels: ["phone", "email"], converted: true },
      { channels: [], converted: false },
    ]);
  });
});
