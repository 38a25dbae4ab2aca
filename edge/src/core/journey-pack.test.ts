import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DAY_MS, personJourneys, type Conversion, type Journey, type Touch } from "./journeys";
import { packJourney, unpackJourney } from "./journey-pack";
import { stringTable } from "./string-table";

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

// Version 1 as it was written before version 2: rows of it stay in the table and must read the same.
type V1Touch = [number, string, string | null, string | null, string | null, string | null];
const v1Touch = (t: Touch): V1Touch => [t.ts, t.channel, t.source, t.campaign, t.country, t.device];
function packV1(j: Journey): string {
  const itself = j.conversion !== null && j.touchpoints.length === 1 && j.touchpoints[0] === j.conversion;
  return JSON.stringify({ t: itself ? null : j.touchpoints.map(v1Touch), c: j.conversion ? [...v1Touch(j.conversion), j.conversion.revenue] : null });
}

// Version 2 as it was written before version 3: rows of it stay in the table and must read the same.
function packV2(j: Journey): string {
  const { strings, id: str } = stringTable();
  const places: number[][] = [];
  const placeIds = new Map<string, number>();
  const place = (t: Touch): number => {
    const row = [str(t.channel), str(t.source), str(t.campaign), str(t.country), str(t.device)];
    while (row.length > 1 && row[row.length - 1] === -1) row.pop();
    const key = row.join(",");
    return placeIds.get(key) ?? (placeIds.set(key, places.push(row) - 1), places.length - 1);
  };
  const itself = j.conversion !== null && j.touchpoints.length === 1 && j.touchpoints[0] === j.conversion;
  let times: number[] | null = null;
  if (!itself) {
    times = [];
    let last = j.endTs;
    for (const [i, t] of j.touchpoints.entries()) {
      times.push(i === 0 ? last - t.ts : t.ts - last, place(t));
      last = t.ts;
    }
  }
  let conversion: number[] | null = null;
  if (j.conversion) {
    conversion = [j.endTs - j.conversion.ts, place(j.conversion)];
    if (j.conversion.revenue !== null) conversion.push(j.conversion.revenue);
  }
  return JSON.stringify([2, strings, places, times, conversion]);
}

// Strings a journey may carry, the awkward ones included (object keys, quotes, empty, unicode).
const text = fc.oneof(fc.constantFrom("web", "email", "__proto__", "constructor", "", "a\"b", "ü", "-1"), fc.string({ maxLength: 6 }));
const maybe = fc.option(text, { nil: null });
const time = fc.oneof(fc.constant(1_700_000_000_000), fc.integer({ min: 0, max: 2_000_000_000_000 }));
const touchArb = fc.record({ ts: time, channel: text, source: maybe, campaign: maybe, country: maybe, device: maybe });
const conversionArb = fc.record({ ts: time, channel: text, source: maybe, campaign: maybe, country: maybe, device: maybe,
  // -0 aside: JSON has no -0, and a revenue read from D1 or JSON never is one.
  revenue: fc.oneof(fc.constant(null), fc.constant(0), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()).map((r) => (Object.is(r, -0) ? 0 : r)) });
const journeyArb: fc.Arbitrary<Journey> = fc.oneof(
  fc.record({ touchpoints: fc.array(touchArb, { maxLength: 8 }), conversion: fc.option(conversionArb, { nil: null }), endTs: time })
    .map((j) => ({ personId: "p", ...j })),
  // A conversion standing for its own touchpoint: the one object in both places.
  fc.record({ conversion: conversionArb, endTs: time }).map(({ conversion, endTs }) => ({ personId: "p", touchpoints: [conversion], conversion, endTs })),
);

describe("journey packing, property", () => {
  it("gives back every journey it packed, and reads rows packed by versions 1 and 2 the same", () => {
    fc.assert(fc.property(journeyArb, (j) => {
      const back = unpackJourney("p", j.endTs, packJourney(j));
      expect(back).toEqual(j);
      expect(unpackJourney("p", j.endTs, packV1(j))).toEqual(back);
      expect(unpackJourney("p", j.endTs, packV2(j))).toEqual(back);
      // The conversion standing for its touchpoint stays one object, so packing again gives the same text.
      expect(packJourney(back)).toBe(packJourney(j));
    }), { numRuns: 2000 });
  });

  it("is smaller than versions 1 and 2 on journeys like the stored ones", () => {
    const [j] = personJourneys("p", [touch(1), touch(2, "email"), touch(3, "email"), touch(5)], [conversion(5)], 30 * DAY_MS);
    expect(j.touchpoints.length).toBe(4);
    expect(packV2(j).length).toBeLessThan(packV1(j).length * 0.6);
    expect(packJourney(j).length).toBeLessThan(packV2(j).length * 0.75);
  });
});

describe("journey packing, stored rows", () => {
  it("reads a version 3 row as written (the format and core/string-table COMMON only ever grow)", () => {
    const endTs = 1_700_000_000_000;
    // The version 2 row below, as version 3 writes it (digits "#"... = 0..., the last digit of a
    // number one of the first 45): "3"; 3 strings: COMMON 2 (paid_search) as 4 "'", "google-x" as
    // 2 * 8 + 1 "4" and itself, COMMON 21 (mobile) as 42 "M"; 1 place of 5 strings: 1, 2, 0, 0, 3
    // ("(" "$%##&"); 1 touchpoint (1 + 1 "%"): dt 3,600,000 (zigzag 7,200,000 "Pml[#"), place 0; a
    // conversion with a revenue "%": dt 0, place 0, revenue "0" (a 1-character string "$0").
    const row = "3&'4google-xM$($%##&%Pml[##%##$0";
    const place = { channel: "paid_search", source: "google-x", campaign: null, country: null, device: "mobile" };
    const journey: Journey = { personId: "p", endTs, touchpoints: [{ ts: endTs - 3_600_000, ...place }], conversion: { ts: endTs, ...place, revenue: 0 } };
    expect(packJourney(journey)).toBe(row);
    expect(unpackJourney("p", endTs, row)).toEqual(journey);
  });

  it("reads a version 2 row as written (the format and core/string-table COMMON only ever grow)", () => {
    const endTs = 1_700_000_000_000;
    // Strings: COMMON 2 (paid_search), one of its own, COMMON 21 (mobile); one place; a touchpoint an hour before a 0 revenue conversion.
    const row = '[2,[2,"google-x",21],[[0,1,-1,-1,2]],[3600000,0],[0,0,0]]';
    const place = { channel: "paid_search", source: "google-x", campaign: null, country: null, device: "mobile" };
    expect(unpackJourney("p", endTs, row)).toEqual({
      personId: "p", endTs, touchpoints: [{ ts: endTs - 3_600_000, ...place }], conversion: { ts: endTs, ...place, revenue: 0 },
    });
  });
});
