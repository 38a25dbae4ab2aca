import { describe, expect, it } from "vitest";
import type { PersonState, StateEvent, StateTouch } from "../../core/person-state";
import { highValuePeople, matchingPeople } from "./match";

const place = { source: null, campaign: null, country: "FR", device: "desktop" };
const touch = (ts: number, channel: string, extra: Partial<StateTouch> = {}): StateTouch => ({ ts, channel, ...place, session: true, ...extra });
const event = (ts: number, name: string | null, extra: Partial<StateEvent> = {}): StateEvent =>
  ({ ts, name, stage: null, revenue: null, channel: "web", in: "web", ...place, ...extra });
const range = { from: 100, to: 200 };
const ctx = { conversions: ["purchase"], identified: new Set(["a"]) };

const states = new Map<string, PersonState>([
  ["a", { touches: [touch(50, "email"), touch(150, "web")], events: [event(50, "open"), event(150, "purchase", { revenue: 90, stage: "decision" })] }],
  ["b", { touches: [touch(120, "social", { country: "DE", device: "mobile" })], events: [event(120, "view")] }],
  ["c", { touches: [touch(110, "web")], events: [event(110, "purchase", { revenue: 10 })] }],
  // Nothing in the range: in no segment of it.
  ["d", { touches: [touch(20, "email")], events: [event(20, "purchase", { revenue: 999 })] }],
]);

describe("matchingPeople", () => {
  it.each([
    [{ firstTouchChannel: "email" }, ["a"]],
    [{ anyTouchChannel: "email" }, []],
    [{ anyTouchChannel: "web" }, ["a", "c"]],
    [{ stage: "decision" }, ["a"]],
    [{ country: "DE" }, ["b"]],
    [{ device: "mobile" }, ["b"]],
    [{ did: "purchase" }, ["a", "c"]],
    [{ didNot: "purchase" }, ["b"]],
    [{ identified: true }, ["a"]],
    [{ identified: false }, ["b", "c"]],
    [{ highValue: true as const }, ["a"]],
    [{ did: "purchase", anyTouchChannel: "web", identified: false }, ["c"]],
  ])("%j", (filter, want) => {
    expect([...matchingPeople(states, filter, range, ctx)].sort()).toEqual(want);
  });
});

describe("highValuePeople", () => {
  const withRevenue = (revenues: number[]) => new Map(revenues.map((r, i): [string, PersonState] =>
    [`p${i}`, { touches: [], events: [event(150, "purchase", { revenue: r })] }]));

  it("keeps the top ceil(10%) and ties at the cut, never revenue 0", () => {
    expect([...highValuePeople(withRevenue([5, 50, 40, 1, 2, 3, 4, 6, 7, 8, 9]), range, ["purchase"])]).toEqual(["p1", "p2"]);
    expect([...highValuePeople(withRevenue([9, 9, 1]), range, ["purchase"])].sort()).toEqual(["p0", "p1"]);
    expect(highValuePeople(withRevenue([0, 0]), range, ["purchase"]).size).toBe(0);
    expect(highValuePeople(new Map(), range, ["purchase"]).size).toBe(0);
  });

  it("counts only the site's conversions in the range", () => {
    const s = new Map<string, PersonState>([["x", { touches: [], events: [event(150, "refund", { revenue: 500 }), event(300, "purchase", { revenue: 500 })] }], ["y", { touches: [], events: [event(150, "purchase", { revenue: 1 })] }]]);
    expect([...highValuePeople(s, range, ["purchase"])]).toEqual(["y"]);
  });
});
