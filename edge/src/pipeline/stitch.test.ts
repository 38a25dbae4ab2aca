import { describe, expect, it } from "vitest";
import { stitch } from "./stitch";

const ids = () => { let i = 0; return () => `p${++i}`; };

describe("stitch (identity graph)", () => {
  it("gives each new identity its own person", () => {
    const r = stitch(new Map(), ["a:1", "a:2"], [], ids());
    expect([...r.added]).toEqual([["a:1", "p1"], ["a:2", "p2"]]);
    expect(r.merges).toEqual([]);
  });

  it("links an anonymous device to a new user id", () => {
    const r = stitch(new Map([["a:1", "pA"]]), ["a:1", "u:ada"], [["a:1", "u:ada"]], ids());
    expect(r.added.get("u:ada")).toBe("pA");
    expect(r.merges).toEqual([]);
  });

  it("merges two stored people into the smaller id, retroactively (identity rows only)", () => {
    const known = new Map([["a:phone", "pB"], ["a:laptop", "pA"], ["u:ada", "pA"]]);
    const r = stitch(known, ["a:phone", "u:ada"], [["a:phone", "u:ada"]], ids());
    expect(r.merges).toEqual([{ from: "pB", to: "pA" }]);
    expect(r.added.size).toBe(0);
  });

  it("chains links transitively within one batch", () => {
    const r = stitch(new Map(), ["a:1", "a:2", "u:x"], [["a:1", "u:x"], ["a:2", "u:x"]], ids());
    const people = new Set(r.added.values());
    expect(people.size).toBe(1);
  });
});
