import { describe, expect, it } from "vitest";
import { funnelByChannel, funnelSteps, reach, type FunnelOrder } from "./funnel";

const H = 3_600_000;
const steps = ["view", "cart", "buy"];
const run = (names: string, channel = "web") => names.split(" ").map((name, i) => ({ ts: i * H, name, channel }));

describe("reach", () => {
  it.each<[string, FunnelOrder, number, number]>([
    ["view cart buy", "sequential", 24, 3],
    ["view page cart page buy", "sequential", 24, 3],
    ["view page cart page buy", "strict", 24, 1],
    ["view cart buy", "strict", 24, 3],
    ["cart view buy", "sequential", 24, 1],
    ["view buy cart", "sequential", 24, 2],
    ["view buy cart", "any", 24, 3],
    ["buy cart view", "any", 24, 3],
    ["view cart buy", "sequential", 1, 2],
    ["cart buy", "sequential", 24, 0],
    ["view view cart", "strict", 24, 2],
  ])("%s (%s, window %ih) -> %i steps", (names, order, windowHours, depth) => {
    expect(reach(run(names), steps, windowHours * H, order).depth).toBe(depth);
  });

  it("keeps the best run when a later first step goes further", () => {
    const events = [...run("view"), { ts: 10 * H, name: "view", channel: "email" }, { ts: 11 * H, name: "cart", channel: "web" }];
    expect(reach(events, steps, 2 * H, "sequential")).toEqual({ depth: 2, channel: "email" });
  });
});

describe("funnel steps", () => {
  const reaches = [
    { depth: 3, channel: "email" },
    { depth: 1, channel: "web" },
    { depth: 2, channel: "email" },
    { depth: 0, channel: null },
  ];
  it("counts people per step and the drop-off from the step before", () => {
    expect(funnelSteps(steps, reaches)).toEqual([
      { name: "view", people: 3, dropOff: 0 },
      { name: "cart", people: 2, dropOff: 1 },
      { name: "buy", people: 1, dropOff: 1 },
    ]);
  });
  it("breaks down by the first step's channel", () => {
    expect(funnelByChannel(steps, reaches).map((b) => [b.channel, b.steps.map((s) => s.people)])).toEqual([
      ["email", [2, 2, 1]],
      ["web", [1, 0, 0]],
    ]);
  });
});
