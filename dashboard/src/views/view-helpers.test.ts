import { describe, expect, it } from "vitest";
import { attributionRows } from "./attribution";
import { rowShares } from "./channels";
import { firstTouchRows, frictionStep, parseSteps, stepLabel, stepLoss, stepParts, withAlternative, withOptional } from "./funnel-friction";
import { orderStages } from "./journeys";
import { formatVital } from "../format";

const step = (people: number, dropOff: number, optional = false) => ({ people, dropOff, optional });

describe("funnel friction", () => {
  it("points at the step losing the largest share, not the largest count", () => {
    // 1000 -> 600 loses 40% (400 people); 600 -> 200 loses 67% (400 people too)
    const steps = [step(1000, 0), step(600, 400), step(200, 400)];
    expect(stepLoss(steps)).toEqual([0, 0.4, 400 / 600]);
    expect(frictionStep(steps)).toBe(2);
    expect(frictionStep([step(1000, 0), step(100, 900), step(90, 10)])).toBe(1);
  });

  it("has no friction step when nobody is lost or nobody started", () => {
    expect(frictionStep([step(10, 0), step(10, 0)])).toBe(-1);
    expect(frictionStep([step(0, 0), step(0, 0)])).toBe(-1);
  });

  it("measures around an optional step from the last required one, and never blames the optional step", () => {
    // 100 viewed, 20 signed up on the way (80 skipped it), 60 bought (40 of the viewers lost).
    const steps = [step(100, 0), step(20, 80, true), step(60, 40)];
    expect(stepLoss(steps)).toEqual([0, 0.8, 0.4]);
    expect(frictionStep(steps)).toBe(2);
  });

  it("parses the comma list of steps in the URL", () => {
    expect(parseSteps(" view_product, ,add_to_cart|quote_requested,newsletter?,purchase ")).toEqual(["view_product", "add_to_cart|quote_requested", "newsletter?", "purchase"]);
    expect(parseSteps(undefined)).toEqual([]);
  });

  it("edits a step's alternatives and optional mark", () => {
    expect(stepParts("add_to_cart|quote_requested?")).toEqual({ events: ["add_to_cart", "quote_requested"], optional: true });
    expect(withAlternative("add_to_cart", "quote_requested")).toBe("add_to_cart|quote_requested");
    expect(withAlternative("add_to_cart|quote_requested", "add_to_cart")).toBe("add_to_cart|quote_requested");
    expect(withAlternative("newsletter?", "signup")).toBe("newsletter|signup?");
    expect(withOptional("add_to_cart|quote_requested", true)).toBe("add_to_cart|quote_requested?");
    expect(withOptional("newsletter?", false)).toBe("newsletter");
    expect(stepLabel("add_to_cart|quote_requested?")).toBe("add_to_cart or quote_requested (optional)");
  });

  it("tabulates first-touch channels per step, most first-step people first", () => {
    const rows = firstTouchRows([{ firstTouch: { email: 2, web: 5 } }, { firstTouch: { email: 2, phone: 1 } }]);
    expect(rows).toEqual([{ channel: "web", people: [5, 0] }, { channel: "email", people: [2, 2] }, { channel: "phone", people: [0, 1] }]);
  });
});

describe("view helpers", () => {
  it("formats a vital in its unit", () => {
    expect(formatVital("LCP", 2340)).toBe("2.34 s");
    expect(formatVital("INP", 180.4)).toBe("180 ms");
    expect(formatVital("CLS", 0.123)).toBe("0.12");
  });

  it("lists attribution channels across models, most credited first", () => {
    const models = { first_touch: { email: 3, web: 1 }, markov: { web: 1.5, phone: 2.5 } };
    expect(attributionRows(models)).toEqual(["email", "phone", "web"]);
  });

  it("turns the switch matrix into row shares", () => {
    expect(rowShares([[1, 3], [0, 0]])).toEqual([[0.25, 0.75], [0, 0]]);
  });

  it("orders stages along the customer cycle, unknown stages last", () => {
    const stages = ["loyalty", "custom", "discovery", "decision"].map((stage) => ({ stage }));
    expect(orderStages(stages).map((s) => s.stage)).toEqual(["discovery", "decision", "loyalty", "custom"]);
  });
});
