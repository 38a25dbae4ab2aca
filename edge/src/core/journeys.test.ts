import { describe, expect, it } from "vitest";
import { buildJourneys, DAY_MS, personJourneys, type Conversion, type Touch } from "./journeys";

const touch = (day: number, channel = "web"): Touch => ({ ts: day * DAY_MS, channel, source: null, campaign: null, country: null, device: null });
const conversion = (day: number, channel = "web"): Conversion => ({ ...touch(day, channel), revenue: 10 });
const days = (ts: Touch[]) => ts.map((t) => t.ts / DAY_MS);

describe("journeys (API.md definitions)", () => {
  it("takes the touchpoints after the previous conversion and within the lookback", () => {
    const journeys = personJourneys("p", [touch(1), touch(5), touch(40), touch(50), touch(60), touch(61)], [conversion(50), conversion(55)], 30 * DAY_MS);
    expect(journeys.map((j) => [days(j.touchpoints), j.conversion?.ts ?? null])).toEqual([
      [[40, 50], 50 * DAY_MS],
      // nothing between the two conversions: credited to where the second happened
      [[55], 55 * DAY_MS],
      [[60, 61], null],
    ]);
  });

  it("keeps a touchpoint at the very time of the conversion in its journey", () => {
    const [j] = personJourneys("p", [touch(3, "store")], [conversion(3, "store")], 30 * DAY_MS);
    expect(j).toMatchObject({ conversion: { ts: 3 * DAY_MS }, touchpoints: [{ channel: "store" }] });
  });

  it("keeps the journeys ending in the range that touched the filter", () => {
    const touchpoints = new Map([["a", [touch(1, "email"), touch(2)]], ["b", [touch(1)]], ["c", [touch(20, "email")]]]);
    const conversions = new Map([["a", [conversion(2)]]]);
    const kept = buildJourneys(touchpoints, conversions, { lookbackMs: 30 * DAY_MS, from: 0, to: 10 * DAY_MS, filter: { channel: "email" } });
    expect(kept.map((j) => j.personId)).toEqual(["a"]);
  });
});
