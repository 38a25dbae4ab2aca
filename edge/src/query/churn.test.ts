import { describe, expect, it } from "vitest";
import { churnLift, churnSets } from "./churn";
import { contactChannel, stalledPeople, stalledSince } from "./stalled";

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

describe("churn sets", () => {
  it("keeps what churned people did before churning, and what everyone did", () => {
    const rows = [
      { personId: "p1", name: "ticket_opened", firstTs: 1 },
      { personId: "p1", name: "unsubscribe", firstTs: 2 },
      { personId: "p1", name: "purchase", firstTs: 3 },
      { personId: "p2", name: "purchase", firstTs: 1 },
    ];
    expect(churnSets(rows, "unsubscribe")).toEqual({
      churned: [new Set(["ticket_opened"])],
      base: [new Set(["ticket_opened", "purchase"]), new Set(["purchase"])],
    });
  });
});

describe("stalled", () => {
  const D = 86_400_000;
  it.each([
    ["quote, nothing since", [0], [], 3 * D, 10 * D, 0],
    ["quote, bought within the window", [0], [2 * D], 3 * D, 10 * D, null],
    // The definition: did A, not B *within* N days. A late purchase does not clear it.
    ["quote, bought after the window", [0], [5 * D], 3 * D, 10 * D, 0],
    ["quote, bought before it", [2 * D], [D], 3 * D, 10 * D, 2 * D],
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

describe("stalled people", () => {
  it("lists who stalled, latest first", () => {
    const D = 86_400_000;
    const events = new Map([
      ["p1", [{ ts: 0, name: "quote" }]],
      ["p2", [{ ts: D, name: "quote" }, { ts: 2 * D, name: "purchase" }]],
      ["p3", [{ ts: 2 * D, name: "quote" }]],
    ]);
    expect(stalledPeople(events, "quote", "purchase", 3 * D, 10 * D)).toEqual([
      { personId: "p3", startedAt: 2 * D },
      { personId: "p1", startedAt: 0 },
    ]);
  });
});
