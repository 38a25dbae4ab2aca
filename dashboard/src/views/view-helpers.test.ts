import { describe, expect, it } from "vitest";
import { attributionRows } from "./attribution";
import { rowShares } from "./channels";
import { frictionStep, parseSteps, stepLoss } from "./funnel-friction";
import { orderStages } from "./journeys";
import { formatVital } from "../format";

describe("funnel friction", () => {
  it("points at the step losing the largest share, not the largest count", () => {
    // 1000 -> 600 loses 40% (400 people); 600 -> 200 loses 67% (400 people too)
    expect(stepLoss([1000, 600, 200])).toEqual([0, 0.4, 1 - 200 / 600]);
    expect(frictionStep([1000, 600, 200])).toBe(2);
    expect(frictionStep([1000, 100, 90])).toBe(1);
  });

  it("has no friction step when nobody is lost or nobody started", () => {
    expect(frictionStep([10, 10])).toBe(-1);
    expect(frictionStep([0, 0])).toBe(-1);
  });

  it("parses the comma list of steps in the URL", () => {
    expect(parseSteps(" view_product, ,purchase ")).toEqual(["view_product", "purchase"]);
    expect(parseSteps(undefined)).toEqual([]);
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
