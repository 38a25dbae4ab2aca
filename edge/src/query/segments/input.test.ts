import { describe, expect, it } from "vitest";
import { parseSegmentInput } from "./input";

describe("parseSegmentInput", () => {
  it("keeps every valid field", () => {
    const filter = { firstTouchChannel: "email", anyTouchChannel: "web", stage: "decision", country: "FR", device: "mobile", did: "purchase", didNot: "refund", highValue: true, identified: false };
    expect(parseSegmentInput({ name: "  Buyers ", filter })).toEqual({ ok: true, value: { name: "Buyers", filter } });
  });

  it.each([
    [null, "body"],
    [{ filter: { did: "x" } }, "name"],
    [{ name: "x".repeat(101), filter: { did: "x" } }, "name"],
    [{ name: "n" }, "filter"],
    [{ name: "n", filter: [] }, "filter"],
    [{ name: "n", filter: {} }, "filter"],
    [{ name: "n", filter: { did: " " } }, "filter.did"],
    [{ name: "n", filter: { didNot: 4 } }, "filter.didNot"],
    [{ name: "n", filter: { highValue: "yes" } }, "filter.highValue"],
    [{ name: "n", filter: { identified: 1 } }, "filter.identified"],
    [{ name: "n", filter: { did: "x", colour: "red" } }, "filter.colour"],
    [{ name: "n", filter: { __proto__: { did: "x" } } }, "filter"],
  ])("%j is refused naming %s", (body, field) => {
    const parsed = parseSegmentInput(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatchObject({ code: "invalid_field", field });
  });
});
