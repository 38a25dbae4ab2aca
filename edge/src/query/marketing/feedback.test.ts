import { describe, expect, it } from "vitest";
import { isLow, placeAnswers, scoreOf, summarizeFeedback, type FeedbackItem } from "./feedback";

describe("feedback scores", () => {
  const cases: [string, "nps" | "csat" | "ces", number[], number][] = [
    ["NPS: 3 promoters, 1 passive, 1 detractor", "nps", [9, 10, 9, 8, 3], 40],
    ["NPS: all detractors", "nps", [0, 6], -100],
    ["CSAT: share of 4-5", "csat", [5, 4, 3, 2, 1], 40],
    ["CES: the mean", "ces", [7, 5, 3], 5],
  ];
  it.each(cases)("%s", (_n, kind, scores, expected) => expect(scoreOf(kind, scores)).toBeCloseTo(expected, 10));
  it("marks low scores per kind", () => {
    expect([isLow("nps", 6), isLow("nps", 7), isLow("csat", 2), isLow("csat", 3), isLow("ces", 3), isLow("ces", 4)]).toEqual([true, false, true, false, true, false]);
  });

  const item = (score: number, channel: string, preceding: string[], extra: Partial<FeedbackItem> = {}): FeedbackItem =>
    ({ personId: `p${score}${channel}`, ts: score, score, comment: null, channel, stage: "service", step: 2, preceding, ...extra });
  it("breaks scores down and finds the channels that precede low scores", () => {
    const s = summarizeFeedback("nps", [
      item(2, "phone", ["chat", "phone"]), item(3, "phone", ["chat"]),
      item(10, "email", ["web"]), item(9, "email", ["web", "chat"], { comment: "great" }), item(42, "email", []),
    ]);
    expect(s.responses).toBe(4); // 42 is out of range
    expect(s.score).toBe(0);
    expect(s.byChannel).toEqual([{ key: "phone", responses: 2, score: -100 }, { key: "email", responses: 2, score: 100 }]);
    expect(s.precedingLowScores[0]).toMatchObject({ channel: "phone", lowShare: 0.5, baseShare: 0.25, lift: 2 });
    expect(s.precedingLowScores.find((r) => r.channel === "chat")).toMatchObject({ lowShare: 1, baseShare: 0.75 });
    expect(s.comments).toEqual([expect.objectContaining({ comment: "great", score: 9 })]);
  });
});

describe("placeAnswers", () => {
  const DAY = 86_400_000;
  const answer = { personId: "p", ts: 40 * DAY, score: 3, comment: null, channel: "email" };
  const touches = new Map([["p", [
    { ts: 5 * DAY, channel: "ads" }, // over 30 days before: not a step
    { ts: 20 * DAY, channel: "web" }, // a step, but over a week before
    { ts: 38 * DAY, channel: "phone" },
    { ts: 40 * DAY, channel: "email" }, // the answer's own touchpoint
  ]]]);
  const stages = new Map([["p", [{ ts: 10 * DAY, stage: "decision" }, { ts: 30 * DAY, stage: "service" }, { ts: 40 * DAY, stage: "loyalty" }]]]);
  it("gives the stage before the answer, the touchpoints of the 30 days before, and the channels of the week before", () => {
    expect(placeAnswers([answer], touches, stages)).toEqual([{ ...answer, stage: "service", step: 2, preceding: ["phone"] }]);
  });
  it("places an answer of someone never seen before at step 0 with no stage", () => {
    expect(placeAnswers([{ ...answer, personId: "new" }], touches, stages)).toEqual([{ ...answer, personId: "new", stage: null, step: 0, preceding: [] }]);
  });
});
