import { describe, expect, it } from "vitest";
import { funnelByChannel, funnelSteps, parseSteps, reach, type FunnelOrder, type Reach } from "./funnel";
import { ParamError } from "./params";

const H = 3_600_000;
const steps = parseSteps(["view", "cart", "buy"]);
const run = (names: string, channel = "web") => names.split(" ").map((name, i) => ({ ts: i * H, name, channel }));
/** Steps reached, as a count of leading steps (without optional steps, reached steps are always leading). */
const depth = (r: Reach) => r.done.filter(Boolean).length;
/** Which steps a run reached, as 1/0 per step. */
const marks = (r: Reach) => r.done.map((d) => (d ? 1 : 0)).join("");

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
  ])("%s (%s, window %ih) -> %i steps", (names, order, windowHours, expected) => {
    const r = reach(run(names), steps, windowHours * H, order);
    expect(depth(r)).toBe(expected);
    // Without optional steps the reached ones lead.
    expect(marks(r)).toBe("1".repeat(expected).padEnd(3, "0"));
  });

  it("keeps the best run when a later first step goes further", () => {
    const events = [...run("view"), { ts: 10 * H, name: "view", channel: "email" }, { ts: 11 * H, name: "cart", channel: "web" }];
    expect(reach(events, steps, 2 * H, "sequential")).toEqual({ done: [true, true, false], channel: "email" });
  });
});

describe("alternatives and optional steps", () => {
  const journey = parseSteps(["view_product", "add_to_cart|quote_requested", "newsletter?", "purchase"]);
  it.each<[string, FunnelOrder, string]>([
    // Either alternative is the second step.
    ["view_product add_to_cart purchase", "sequential", "1101"],
    ["view_product quote_requested purchase", "sequential", "1101"],
    // The optional step counts when it comes in its place, and is skipped otherwise.
    ["view_product quote_requested newsletter purchase", "sequential", "1111"],
    ["view_product newsletter quote_requested purchase", "sequential", "1101"],
    // An optional step done, the next required not: reached up to the optional one.
    ["view_product add_to_cart newsletter", "sequential", "1110"],
    // A required step is never skipped.
    ["view_product newsletter purchase", "sequential", "1000"],
    // Strict: the optional step may stand between two steps, nothing else may.
    ["view_product add_to_cart newsletter purchase", "strict", "1111"],
    ["view_product add_to_cart purchase", "strict", "1101"],
    ["view_product add_to_cart page purchase", "strict", "1100"],
    // Any order: required steps up to the optional one must be done for it to count.
    ["purchase newsletter quote_requested view_product", "any", "1111"],
    ["newsletter view_product purchase", "any", "1000"],
  ])("%s (%s) -> %s", (names, order, expected) => {
    expect(marks(reach(run(names), journey, 24 * H, order))).toBe(expected);
  });

  it("prefers the run reaching further, then the one doing more steps", () => {
    const events = [
      { ts: 0, name: "view_product", channel: "web" }, { ts: H, name: "quote_requested", channel: "web" }, { ts: 2 * H, name: "purchase", channel: "web" },
      { ts: 3 * H, name: "view_product", channel: "email" }, { ts: 4 * H, name: "add_to_cart", channel: "email" },
      { ts: 5 * H, name: "newsletter", channel: "email" }, { ts: 6 * H, name: "purchase", channel: "email" },
    ];
    expect(reach(events, journey, 24 * H, "sequential")).toEqual({ done: [true, true, true, true], channel: "email" });
  });

  it("reads the query's step syntax, refusing what it cannot mean", () => {
    expect(journey.map((s) => [s.name, s.events, s.optional])).toEqual([
      ["view_product", ["view_product"], false],
      ["add_to_cart|quote_requested", ["add_to_cart", "quote_requested"], false],
      ["newsletter", ["newsletter"], true],
      ["purchase", ["purchase"], false],
    ]);
    expect(parseSteps(["a | b|a"])[0].events).toEqual(["a", "b"]);
    for (const bad of [["a?", "b"], ["a", "b|"], ["a", "|b?"], ["a", "?"]]) {
      expect(() => parseSteps(bad), JSON.stringify(bad)).toThrow(ParamError);
    }
  });
});

describe("funnel steps", () => {
  const reaches: Reach[] = [
    { done: [true, true, true], channel: "email", firstTouch: "email" },
    { done: [true, false, false], channel: "web", firstTouch: "paid_search" },
    { done: [true, true, false], channel: "email", firstTouch: "email" },
    { done: [false, false, false], channel: null, firstTouch: "direct" },
  ];
  it("counts people per step, the drop-off from the step before, and first-touch channels", () => {
    expect(funnelSteps(steps, reaches)).toEqual([
      { name: "view", people: 3, dropOff: 0, events: ["view"], optional: false, firstTouch: { email: 2, paid_search: 1 } },
      { name: "cart", people: 2, dropOff: 1, events: ["cart"], optional: false, firstTouch: { email: 2 } },
      { name: "buy", people: 1, dropOff: 1, events: ["buy"], optional: false, firstTouch: { email: 1 } },
    ]);
  });

  it("measures drop-off around an optional step from the last required one", () => {
    const journey = parseSteps(["view", "newsletter?", "buy"]);
    const rs: Reach[] = [
      { done: [true, true, true], channel: "web" },
      { done: [true, false, true], channel: "web" },
      { done: [true, false, true], channel: "web" },
      { done: [true, true, false], channel: "web" },
      { done: [true, false, false], channel: "web" },
    ];
    // 5 viewed; 2 of them signed up (3 skipped it); 3 bought (2 of the 5 viewers did not).
    expect(funnelSteps(journey, rs).map((s) => [s.name, s.people, s.dropOff, s.optional])).toEqual([
      ["view", 5, 0, false], ["newsletter", 2, 3, true], ["buy", 3, 2, false],
    ]);
  });

  it("breaks down by the first step's channel", () => {
    expect(funnelByChannel(steps, reaches).map((b) => [b.channel, b.steps.map((s) => s.people)])).toEqual([
      ["email", [2, 2, 1]],
      ["web", [1, 0, 0]],
    ]);
  });
});
