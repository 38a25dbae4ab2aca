import { describe, expect, it } from "vitest";
import { churnFeatures, scorePerson, trainChurnModel, type PersonHistory } from "./churn-risk";

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

describe("churnFeatures", () => {
  const DAY = 86_400_000;
  const end = 100 * DAY;
  const cases: [string, Parameters<typeof churnFeatures>, string[]][] = [
    ["channels and events of the 30 days before, not after or older",
      [[{ ts: 60 * DAY, channel: "ads" }, { ts: 95 * DAY, channel: "chat" }, { ts: 101 * DAY, channel: "phone" }],
        [{ ts: 90 * DAY, name: "ticket_opened" }, { ts: 50 * DAY, name: "purchase" }], [], end, new Set()],
      ["channel:chat", "event:ticket_opened"]],
    ["the churn event itself is no sign of churn", [[{ ts: 99 * DAY, channel: "email" }], [{ ts: 99 * DAY, name: "unsubscribe" }], [], end, new Set(["unsubscribe"])], ["channel:email"]],
    ["a low score in the window", [[{ ts: 99 * DAY, channel: "web" }], [], [80 * DAY], end, new Set()], ["channel:web", "feedback:low"]],
    ["a low score before the window does not count", [[{ ts: 99 * DAY, channel: "web" }], [], [60 * DAY], end, new Set()], ["channel:web"]],
    ["no touchpoint in the last 14 days is going quiet", [[{ ts: 80 * DAY, channel: "web" }], [], [], end, new Set()], ["channel:web", "quiet:14d"]],
  ];
  it.each(cases)("%s", (_name, args, expected) => expect(churnFeatures(...args).sort()).toEqual(expected.sort()));
});

