import { describe, expect, it } from "vitest";
import type { Journey, Touch } from "../journeys";
import { journeysFromStages, nextBestTouchpoints, strongestChannel, suggestionFor, type StageTimeline } from "./next-best";

const DAY = 86_400_000;
const touch = (channel: string, days: number): Touch => ({ ts: days * DAY, channel, source: null, campaign: null, country: null, device: null });
const journey = (personId: string, channels: [string, number][], convertsAt: number | null): Journey => {
  const touchpoints = channels.map(([c, d]) => touch(c, d));
  return { personId, touchpoints, conversion: convertsAt === null ? null : { ...touch("web", convertsAt), revenue: null }, endTs: (convertsAt ?? channels.at(-1)![1]) * DAY };
};
const quoteAt = (days: number): StageTimeline => [{ ts: days * DAY, stage: "consideration" }];

// Four people convert on e-mail alone; of the three who asked for a quote after a web visit, the
// two who were then called converted and the one who was e-mailed did not.
const journeys = [
  journey("q1", [["web", 0], ["phone", 1]], 2),
  journey("q2", [["web", 0], ["phone", 1]], 2),
  journey("q3", [["web", 0], ["email", 1]], null),
  ...["e1", "e2", "e3", "e4"].map((p) => journey(p, [["email", 0]], 1)),
];
const stages = new Map([["q1", quoteAt(0.5)], ["q2", quoteAt(0.5)], ["q3", quoteAt(0.5)]]);

describe("strongestChannel", () => {
  it("picks the highest removal effect (email 2/3 over web 7/15 and phone 1/3)", () => {
    expect(strongestChannel(journeys)).toBe("email");
  });
  it("has no answer when nothing converts", () => {
    expect(strongestChannel([journey("x", [["web", 0]], null)])).toBeNull();
  });
});

describe("journeysFromStages", () => {
  it("keeps each journey from its first touchpoint made at the stage", () => {
    const from = journeysFromStages(journeys, stages).get("consideration")!;
    expect(from.map((j) => [j.personId, j.touchpoints.map((t) => t.channel)])).toEqual([["q1", ["phone"]], ["q2", ["phone"]], ["q3", ["email"]]]);
  });
  it("does not count the touchpoint that set the stage as made at it", () => {
    const sameMoment = journeysFromStages([journey("s", [["store", 1], ["phone", 2]], 3)], new Map([["s", quoteAt(1)]]));
    expect(sameMoment.get("consideration")![0].touchpoints.map((t) => t.channel)).toEqual(["phone"]);
  });
  it("counts a journey once per stage, from the first touchpoint at it", () => {
    const twice = journeysFromStages([journey("t", [["web", 1], ["chat", 2], ["phone", 3]], 4)], new Map([["t", quoteAt(0)]]));
    expect(twice.get("consideration")!.map((j) => j.touchpoints.length)).toEqual([3]);
  });
});

describe("nextBestTouchpoints", () => {
  const best = nextBestTouchpoints(journeys, stages);
  const cases: [string, string | null, string | null][] = [
    ["a person at the stage gets what moved people on from it", "consideration", "phone"],
    ["a stage no journey passed through falls back to the overall best", "loyalty", "email"],
    ["an unknown stage falls back to the overall best", null, "email"],
  ];
  it.each(cases)("%s", (_name, stage, expected) => expect(suggestionFor(best, stage)).toBe(expected));
  it("falls back to the overall best when nothing converted after the stage", () => {
    const stalled = nextBestTouchpoints(journeys, new Map([["q3", quoteAt(0.5)]]));
    expect(stalled.byStage.get("consideration")).toBeNull();
    expect(suggestionFor(stalled, "consideration")).toBe("email");
  });
});
