import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addActivity, at, emptyActivity, matching, packActivity, peopleUnder, unpackActivity, type ActivityDigest } from "./activity-digest";

const text = fc.constantFrom("web", "email", "a:b", 'q"x', "ünï");
const maybe = fc.option(text, { nil: null });
const counts = fc.dictionary(text, fc.nat(50), { maxKeys: 3 });
const digest: fc.Arbitrary<ActivityDigest> = fc.record({
  people: fc.nat(100),
  peopleBy: fc.dictionary(fc.constantFrom("channel:web", "country:FR", "source:a:b"), fc.nat(50)),
  entries: fc.array(fc.record({
    place: fc.tuple(text, maybe, maybe, maybe, maybe),
    events: fc.nat(50), sessions: fc.nat(50), touchpoints: fc.nat(50), names: counts, namedIn: fc.dictionary(text, counts, { maxKeys: 2 }),
  }), { maxLength: 6 }),
}).map(({ people, peopleBy, entries }) => {
  const d: ActivityDigest = { ...emptyActivity(), people, peopleBy };
  for (const { place, ...c } of entries) Object.assign(at(d, place), c);
  return d;
});

describe("activity digest", () => {
  it("reads back what it packs", () => {
    fc.assert(fc.property(digest, (d) => {
      expect(unpackActivity(packActivity(d))).toEqual(d);
    }));
  });

  it("reads a text of another version as nothing, so that its day is built again", () => {
    expect(unpackActivity(JSON.stringify({ people: 1, peopleBy: {}, places: {} }))).toBeNull();
    expect(unpackActivity(JSON.stringify([2, 1, {}, []]))).toBeNull();
  });

  it("sums the places a filter matches, and adding days adds their sums", () => {
    fc.assert(fc.property(digest, digest, (a, b) => {
      const f = { channel: "web" };
      const sum = matching(addActivity(addActivity(emptyActivity(), a), b), f);
      expect(sum.events).toBe(matching(a, f).events + matching(b, f).events);
      expect(sum.sessions).toBe(matching(a, f).sessions + matching(b, f).sessions);
      const direct = Object.entries(a.places).filter(([k]) => JSON.parse(k)[0] === "web").reduce((n, [, c]) => n + c.touchpoints, 0);
      expect(matching(a, f).touchpoints).toBe(direct);
    }));
  });

  it("knows a day's people under no filter or one", () => {
    const d = { ...emptyActivity(), people: 9, peopleBy: { "channel:web": 4 } };
    expect(peopleUnder(d, {})).toBe(9);
    expect(peopleUnder(d, { channel: "web" })).toBe(4);
    expect(peopleUnder(d, { channel: "email" })).toBe(0);
  });
});
