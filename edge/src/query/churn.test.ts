import { describe, expect, it } from "vitest";
import { churnLift } from "./churn";
import { contactChannel, stalledSince } from "./stalled";

describe("churn lift", () => {
  it("compares the churned share with everyone's", () => {
    const churned = [new Set(["ticket_opened", "email_open"]), new Set(["ticket_opened"])];
    const base = [...churned, new Set(["email_open"]), new Set(["purchase"])];
    expect(churnLift(churned, base)).toEqual([
      { name: "ticket_opened", churnedShare: 1, baseShare: 0.5, lift: 2 },
      { name: "email_open", churnedShare: 0.5, baseShare: 0.5, lift: 1 },
    ]);
  });
});

describe("stalled", () => {
  const D = 86_400_000;
  it.each([
    ["quote, nothing since", [0], [], 3 * D, 10 * D, 0],
    ["quote, bought within the window", [0], [2 * D], 3 * D, 10 * D, null],
    ["quote, bought after the window", [0], [5 * D], 3 * D, 10 * D, 0],
    ["quote too recent to judge", [9 * D], [], 3 * D, 10 * D, null],
    ["the latest quote counts", [0, 5 * D], [D], 3 * D, 10 * D, 5 * D],
    ["no quote", [], [], 3 * D, 10 * D, null],
  ] as const)("%s", (_, started, expected, after, now, since) => {
    expect(stalledSince([...started], [...expected], after, now)).toBe(since);
  });

  it.each([
    [["web", "phone", "email"], false, "phone"],
    [["web", "direct"], true, "email"],
    [["web"], false, null],
  ] as const)("contact channel of %j (identified %s) is %s", (channels, identified, expected) => {
    expect(contactChannel([...channels], identified)).toBe(expected);
  });
});
