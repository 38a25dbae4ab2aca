import { describe, expect, it } from "vitest";
import { DAY_MS, personJourneys, type Conversion, type Touch } from "./journeys";
import { packJourney, unpackJourney } from "./journey-pack";

const touch = (day: number, channel = "web"): Touch => ({ ts: day * DAY_MS, channel, source: "s", campaign: null, country: "FR", device: null });
const conversion = (day: number, channel = "web"): Conversion => ({ ...touch(day, channel), revenue: 12 });
const roundTrip = (touches: Touch[], conversions: Conversion[]) =>
  personJourneys("p", touches, conversions, 30 * DAY_MS).map((j) => [j, unpackJourney("p", j.endTs, packJourney(j))]);

describe("journey packing", () => {
  it("gives back the journey it packed, a conversion standing for its own touchpoint included", () => {
    // The second conversion has no touchpoint of its own: it stands for one, with its revenue.
    const pairs = roundTrip([touch(1), touch(2, "email"), touch(9)], [conversion(2, "email"), conversion(3)]);
    expect(pairs.length).toBe(3);
    expect(pairs[1][0].touchpoints).toEqual([conversion(3)]);
    for (const [journey, back] of pairs) expect(back).toEqual(journey);
  });

  it("keeps a real touchpoint at the conversion's time a touchpoint, without revenue", () => {
    const [[journey, back]] = roundTrip([touch(4, "store")], [conversion(4, "store")]);
    expect(journey.touchpoints[0]).not.toHaveProperty("revenue");
    expect(back).toEqual(journey);
  });
});
