import { describe, expect, it } from "vitest";
import { DAY_MS } from "./journeys";
import { asTime, ParamError, parseDuration, parseList, parseRange } from "./params";

const query = (params: Record<string, string>) => (name: string) => params[name];

function fieldRefused(parse: () => unknown): string | null {
  try {
    parse();
  } catch (e) {
    if (e instanceof ParamError) return e.field;
    throw e;
  }
  return null;
}

describe("parameters", () => {
  it.each<[string, number | null]>([
    ["1764000000000", 1764000000000],
    ["2026-11-02", Date.UTC(2026, 10, 2)],
    ["2026-11-02T10:00:00Z", Date.UTC(2026, 10, 2, 10)],
    ["purchase", null],
    ["yesterday", null],
  ])("reads %s as a time: %s", (raw, ms) => expect(asTime(raw)).toBe(ms));

  it("defaults to the 30 days that end at the next whole minute", () => {
    const now = Date.UTC(2026, 10, 25, 10, 0, 30);
    expect(parseRange(query({}), now)).toEqual({ from: Date.UTC(2026, 10, 25, 10, 1) - 30 * DAY_MS, to: Date.UTC(2026, 10, 25, 10, 1) });
  });

  it.each<[Record<string, string>, string]>([
    [{ from: "soon" }, "from"],
    [{ to: "later" }, "to"],
    [{ from: "2026-11-03", to: "2026-11-02" }, "from"],
  ])("refuses %j naming %s", (params, field) => {
    expect(fieldRefused(() => parseRange(query(params), 0))).toBe(field);
  });

  it("reads durations and lists", () => {
    expect(parseDuration(query({ window: "36h" }), "window", "7d")).toEqual({ text: "36h", ms: 36 * 3_600_000 });
    expect(parseList(query({ steps: "a, b,,c" }), "steps", 5)).toEqual(["a", "b", "c"]);
    expect(fieldRefused(() => parseDuration(query({ window: "0d" }), "window", "7d"))).toBe("window");
  });
});
