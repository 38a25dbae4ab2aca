import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { namedEventsOfPacked, packState, stagesOfPacked, touchesOfPacked, unpackState, type EventPlace, type PersonState, type StateEvent, type StateTouch } from "./person-state";
import { stringTable } from "./string-table";

// Version 2 as it was written before version 3: rows of it stay in person_state and must read the same.
function packV2(state: PersonState): string {
  const { strings, id: str } = stringTable();
  const places: number[][] = [];
  const placeIds = new Map<string, number>();
  const place = (p: Omit<EventPlace, "in">, inChannel: string): number => {
    const row = [str(p.channel), str(p.source), str(p.campaign), str(p.country), str(p.device)];
    if (inChannel !== p.channel) row.push(str(inChannel));
    else while (row.length > 1 && row[row.length - 1] === -1) row.pop();
    const key = row.join(",");
    return placeIds.get(key) ?? (placeIds.set(key, places.push(row) - 1), places.length - 1);
  };
  let last = 0;
  const t: number[] = [];
  for (const x of state.touches) {
    t.push(x.ts - last, place(x, x.channel) * 4 + (x.session ? 0 : 1) + (x.event === undefined ? 0 : 2));
    if (x.event !== undefined) t.push(str(x.event));
    last = x.ts;
  }
  last = state.touches[0]?.ts ?? 0;
  const e: (number | null)[] = [];
  for (const x of state.events) {
    e.push(x.ts - last, str(x.name), place(x, x.in) * 4 + (x.stage === null ? 0 : 1) + (x.revenue === null ? 0 : 2));
    if (x.stage !== null) e.push(str(x.stage));
    if (x.revenue !== null) e.push(x.revenue);
    last = x.ts;
  }
  return JSON.stringify({ v: 2, s: strings, p: places, t, e });
}

// Version 1 as it was written before version 2: rows of it stay in person_state and must read the same.
function packV1(state: PersonState): string {
  const strings: string[] = [];
  const ids = new Map<string, number>();
  const str = (s: string | null) => (s === null ? -1 : ids.get(s) ?? (ids.set(s, strings.push(s) - 1), strings.length - 1));
  const places: number[][] = [];
  const placeIds = new Map<string, number>();
  const place = (p: Omit<EventPlace, "in">, inChannel: string) => {
    const row = [str(p.channel), str(p.source), str(p.campaign), str(p.country), str(p.device), str(inChannel)];
    const key = row.join(",");
    return placeIds.get(key) ?? (placeIds.set(key, places.push(row) - 1), places.length - 1);
  };
  let last = 0;
  const t = state.touches.map((x) => {
    const row = [x.ts - last, place(x, x.channel)];
    if (!x.session || x.event !== undefined) row.push(x.session ? 0 : 1);
    if (x.event !== undefined) row.push(str(x.event));
    last = x.ts;
    return row;
  });
  last = 0;
  const e = state.events.map((x) => {
    const row: (number | null)[] = [x.ts - last, str(x.name), place(x, x.in)];
    if (x.stage !== null || x.revenue !== null) row.push(str(x.stage));
    if (x.revenue !== null) row.push(x.revenue);
    last = x.ts;
    return row;
  });
  return JSON.stringify({ v: 1, s: strings, p: places, t, e });
}

// Few distinct strings, so places and names repeat as in real states; the awkward ones included.
const text = fc.constantFrom("web", "email", "phone", "__proto__", "constructor", "", "a\"b", "ü", "-1");
const maybe = fc.option(text, { nil: null });
const time = fc.oneof(fc.constant(1_700_000_000_000), fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }));
const where = { channel: text, source: maybe, campaign: maybe, country: maybe, device: maybe };
const touchArb: fc.Arbitrary<StateTouch> = fc.record({ ts: time, ...where, session: fc.boolean(), event: text }, { requiredKeys: ["ts", "channel", "source", "campaign", "country", "device", "session"], noNullPrototype: true });
const eventArb: fc.Arbitrary<StateEvent> = fc.record({
  ts: time, ...where, in: text, name: maybe, stage: maybe,
  // -0 aside: JSON has no -0, and a revenue read from D1 never is one.
  revenue: fc.oneof(fc.constant(null), fc.constant(0), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })).map((r) => (Object.is(r, -0) ? 0 : r)),
}, { noNullPrototype: true }).chain((e) => fc.boolean().map((own) => (own ? { ...e, in: e.channel } : e)));
const byTime = <T extends { ts: number }>(list: T[]) => [...list].sort((a, b) => a.ts - b.ts);
const stateArb = fc.record({ touches: fc.array(touchArb, { maxLength: 12 }).map(byTime), events: fc.array(eventArb, { maxLength: 20 }).map(byTime) }, { noNullPrototype: true });

describe("person state packing", () => {
  it("gives back every state it packed, and reads states packed by versions 1 and 2 the same", () => {
    fc.assert(fc.property(stateArb, (state) => {
      const back = unpackState(packState(state));
      expect(back).toStrictEqual(state);
      expect(unpackState(packV1(state))).toStrictEqual(state);
      expect(unpackState(packV2(state))).toStrictEqual(state);
      expect(packState(back)).toBe(packState(state));
    }), { numRuns: 2000 });
  });

  it("takes fewer bytes than versions 1 and 2", () => {
    const states = fc.sample(stateArb, { numRuns: 200, seed: 3 });
    const size = (pack: (s: PersonState) => string) => states.reduce((n, s) => n + pack(s).length, 0);
    expect(states.some((s) => s.events.length > 5)).toBe(true);
    expect(size(packV2)).toBeLessThan(size(packV1));
    expect(size(packState)).toBeLessThan(size(packV2));
  });

  it("gives back states with times in any order, far apart or negative, and big or fractional revenues", () => {
    const anyTime = fc.integer({ min: -(2 ** 50), max: 2 ** 50 });
    const loose = fc.record({
      touches: fc.array(touchArb.chain((t) => anyTime.map((ts) => ({ ...t, ts }))), { maxLength: 6 }),
      events: fc.array(eventArb.chain((e) => anyTime.map((ts) => ({ ...e, ts }))), { maxLength: 6 }),
    }, { noNullPrototype: true });
    fc.assert(fc.property(loose, (state) => {
      expect(unpackState(packState(state))).toStrictEqual(state);
    }), { numRuns: 1000 });
  });
});

describe("partial reads of a packed state", () => {
  // The oracle: the whole state unpacked, then the part asked for picked out of it.
  it("give what the whole state gives, for every version", () => {
    fc.assert(fc.property(stateArb, fc.subarray(["web", "email", "__proto__", "", "-1"]), fc.boolean(), time, (state, picked, all, to) => {
      const names = all ? null : new Set(picked);
      const whole = unpackState(packState(state));
      for (const packed of [packState(state), packV2(state), packV1(state)]) {
        expect(namedEventsOfPacked(packed, names)).toStrictEqual({
          first: whole.touches[0] ? { ts: whole.touches[0].ts, channel: whole.touches[0].channel } : null,
          events: whole.events.flatMap(({ stage: _, revenue: __, ...e }) => (e.name !== null && (names === null || names.has(e.name)) ? [e] : [])),
        });
        expect(stagesOfPacked(packed, to)).toStrictEqual(whole.events.flatMap((e) => (e.stage !== null && e.ts <= to ? [{ ts: e.ts, stage: e.stage }] : [])));
        expect(touchesOfPacked(packed)).toStrictEqual(whole.touches);
      }
    }), { numRuns: 1000 });
  });
});

describe("person state packing, stored rows", () => {
  it("reads a version 3 state as written (the format and core/string-table COMMON only ever grow)", () => {
    const ts = 1_700_000_000_000;
    // The version 2 row below, as version 3 writes it (digits "#"... = 0..., the last digit of a
    // number one of the first 45): "3"; 4 strings: COMMON 0 (direct) as 0 "#", COMMON 23 (page) as
    // 46 "P$", "view_product" as 2 * 12 + 1 "<" and itself, "discovery" as 2 * 9 + 1 "6" and itself;
    // 1 place of 1 string: direct + 1 "$$$"; 1 touchpoint: dt 1.7e12 (zigzag: twice), kind 2, event
    // 1 (page); 2 events: dt 0, no name, kind 0 "###"; dt 5000 (zigzag 10000 "Sv-"), name 2 + 1,
    // kind 1 (a stage follows), stage 3.
    const row = "3'#P$<view_product6discovery$$$$V|vnd]]<%$%###Sv-&$&";
    const place = { channel: "direct", source: null, campaign: null, country: null, device: null };
    const state: PersonState = {
      touches: [{ ts, ...place, session: true, event: "page" }],
      events: [{ ts, name: null, ...place, in: "direct", stage: null, revenue: null },
        { ts: ts + 5000, name: "view_product", ...place, in: "direct", stage: "discovery", revenue: null }],
    };
    expect(packState(state)).toBe(row);
    expect(unpackState(row)).toStrictEqual(state);
  });

  it("reads a version 2 state as written (the format and core/string-table COMMON only ever grow)", () => {
    const ts = 1_700_000_000_000;
    // Strings: COMMON 0 (direct), two of its own, COMMON 23 (page). A session opened by a page view,
    // then a staged event 5 s later.
    const row = '{"v":2,"s":[0,"view_product","discovery",23],"p":[[0]],"t":[1700000000000,2,3],"e":[0,-1,0,5000,1,1,2]}';
    const place = { channel: "direct", source: null, campaign: null, country: null, device: null };
    expect(unpackState(row)).toStrictEqual({
      touches: [{ ts, ...place, session: true, event: "page" }],
      events: [{ ts, name: null, ...place, in: "direct", stage: null, revenue: null },
        { ts: ts + 5000, name: "view_product", ...place, in: "direct", stage: "discovery", revenue: null }],
    });
  });
});
