import { describe, expect, it } from "vitest";
import type { Journey, Touch } from "../journeys";
import { roiRows } from "./roi";
import { isLow, scoreOf, summarizeFeedback, type FeedbackItem } from "./feedback";
import { valueSegments, type PersonValue } from "./value";
import { scorePerson, trainChurnModel, type PersonHistory } from "./churn-risk";

const DAY = 86_400_000;
const touch = (channel: string, ts: number, campaign: string | null = null): Touch => ({ ts, channel, source: null, campaign, country: null, device: null });

describe("roiRows", () => {
  const journeys: Journey[] = [
    { personId: "a", touchpoints: [touch("email", 0), touch("phone", DAY)], conversion: { ...touch("web", 3 * DAY), revenue: 200 }, endTs: 3 * DAY },
    { personId: "b", touchpoints: [touch("email", 0)], conversion: { ...touch("web", DAY), revenue: 100 }, endTs: DAY },
    { personId: "c", touchpoints: [touch("phone", 0), touch("phone", DAY)], conversion: null, endTs: DAY },
  ];
  const rows = roiRows({ journeys, groupBy: "channel", conversions: { email: 2, phone: 0 }, revenue: { email: 300 },
    media: { email: 100 }, unitCosts: { phone: 5 } });
  const by = Object.fromEntries(rows.map((r) => [r.group, r]));

  it("spend 100 on email with 2 credited conversions costs 50 per acquisition and returns 3x", () => {
    expect(by.email).toMatchObject({ touchpoints: 2, mediaCost: 100, operationalCost: 0, cost: 100, cpa: 50, roas: 3, roi: 2, costPerTouchpoint: 50 });
  });
  it("operational channels cost their unit cost per touchpoint, and no conversion means no CPA", () => {
    expect(by.phone).toMatchObject({ touchpoints: 3, operationalCost: 15, cost: 15, costPerTouchpoint: 5, cpa: null, roas: 0, roi: -1 });
  });
  it("gives the median time from a channel's touchpoints to the conversion they led to", () => {
    expect(by.email.medianDaysToConvert).toBe(2); // 3 days (a) and 1 day (b)
    expect(by.phone.medianDaysToConvert).toBe(2); // only a's converts, 2 days before
  });
});

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

describe("valueSegments", () => {
  const people: PersonValue[] = Array.from({ length: 10 }, (_, i) => ({
    personId: `p${i}`, revenue: (i + 1) * 100, orders: i < 5 ? 1 : 2, channels: i === 9 ? ["email", "email", "store"] : ["web"], stage: "decision",
  }));
  people.push({ personId: "free", revenue: 0, orders: 0, channels: ["social"], stage: "discovery" });

  it("takes the top decile of paying people by revenue", () => {
    const s = valueSegments(people, { by: "revenue", top: 0.1 });
    expect(s.threshold).toBe(1000);
    expect(s.segment).toMatchObject({ people: 1, revenue: 1000, orders: 2, paths: [{ steps: ["email", "store"], people: 1, share: 1 }] });
    expect(s.rest.people).toBe(10);
  });
  it("or everyone over a threshold", () => {
    expect(valueSegments(people, { by: "revenue", min: 800 }).segment.people).toBe(3);
    expect(valueSegments(people, { by: "orders", min: 2 }).segment.people).toBe(5);
  });
});

describe("churn risk", () => {
  // Everyone who chatted churned; nobody who only browsed did.
  const history: PersonHistory[] = [
    ...Array.from({ length: 10 }, (_, i) => ({ personId: `c${i}`, churned: true, features: ["channel:chat", "channel:web"], stage: "service" })),
    ...Array.from({ length: 30 }, (_, i) => ({ personId: `w${i}`, churned: false, features: ["channel:web"], stage: "decision" })),
  ];
  const model = trainChurnModel(history);
  it("learns a positive weight for what precedes churn and a small one for what everyone does", () => {
    expect(model.weights.get("channel:chat")!).toBeGreaterThan(1);
    expect(Math.abs(model.weights.get("channel:web")!)).toBeLessThan(0.05);
  });
  it("scores a chatting person above the base rate and explains why", () => {
    const risky = scorePerson(model, ["channel:chat", "channel:web"]);
    const calm = scorePerson(model, ["channel:web"]);
    expect(risky.score).toBeGreaterThan(0.5);
    expect(calm.score).toBeLessThan(0.3);
    expect(risky.factors[0].feature).toBe("channel:chat");
  });
});
