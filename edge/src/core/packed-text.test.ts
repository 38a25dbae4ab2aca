import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TextReader, TextWriter } from "./packed-text";

type Item = { kind: "uint"; v: number } | { kind: "int"; v: number } | { kind: "str"; v: string } | { kind: "num"; v: number };
const item: fc.Arbitrary<Item> = fc.oneof(
  fc.oneof(fc.nat(100), fc.nat(), fc.constantFrom(0, 44, 45, 46, 2114, 2115, 2116, Number.MAX_SAFE_INTEGER)).map((v) => ({ kind: "uint" as const, v })),
  fc.integer({ min: -(2 ** 52), max: 2 ** 52 - 1 }).map((v) => ({ kind: "int" as const, v })),
  fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.constantFrom("", "#", "\\", "\"", "3")).map((v) => ({ kind: "str" as const, v })),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => !Object.is(v, -0)).map((v) => ({ kind: "num" as const, v })),
);

describe("packed text", () => {
  it("reads back every sequence of numbers and strings it wrote, in order, to the last character", () => {
    fc.assert(fc.property(fc.array(item, { maxLength: 20 }), (items) => {
      const w = new TextWriter();
      for (const x of items) (w[x.kind] as (v: unknown) => TextWriter).call(w, x.v);
      const text = w.text();
      const r = new TextReader(text);
      const back = items.map((x) => ({ kind: x.kind, v: (r[x.kind] as () => unknown).call(r) }));
      expect(back).toEqual(items);
      expect(r.done).toBe(true);
    }), { numRuns: 2000 });
  });

  it("writes small numbers in one character and no number with a separator or a character JSON escapes", () => {
    expect(new TextWriter().uint(0).uint(44).text()).toHaveLength(2);
    expect(new TextWriter().uint(45).text()).toHaveLength(2);
    const big = new TextWriter().uint(Number.MAX_SAFE_INTEGER).int(-(2 ** 52)).text();
    expect(big).toMatch(/^[#-[\]-~]+$/);
    expect(JSON.stringify(big)).toBe(`"${big}"`);
  });

  it("refuses what it cannot write exactly, and text it did not write", () => {
    expect(() => new TextWriter().uint(-1)).toThrow(RangeError);
    expect(() => new TextWriter().uint(1.5)).toThrow(RangeError);
    expect(() => new TextWriter().uint(2 ** 53)).toThrow(RangeError);
    expect(() => new TextReader("P").uint()).toThrow(SyntaxError);
    expect(() => new TextReader("&ab").str()).toThrow(SyntaxError);
  });
});
