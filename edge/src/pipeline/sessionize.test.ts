import { describe, expect, it } from "vitest";
import { sessionize, type SessionState } from "./sessionize";
import type { EnrichedEvent } from "./payload";

const MIN = 60_000;
const GAP = 30 * MIN;
const T0 = Date.UTC(2026, 10, 25, 9);

function ev(id: string, minutes: number, extra: Partial<EnrichedEvent> = {}): EnrichedEvent {
  return {
    messageId: id, type: "page", event: null, userId: null, anonymousId: "dev", previousId: null, ts: T0 + minutes * MIN, receivedAt: 0,
    channel: "direct", channelExplicit: false, source: null, medium: null, campaign: null, campaignKey: null, stage: null,
    isConversion: false, revenue: null, path: "/", country: null, region: null, device: null, browser: null, os: null,
    properties: null, context: null, ...extra,
  };
}
const ids = () => { let i = 0; return () => `s${++i}`; };
const groups = (r: ReturnType<typeof sessionize>) => {
  const g = new Map<string, string[]>();
  for (const [m, s] of r.assignment) g.set(s, [...(g.get(s) ?? []), m]);
  return [...g.values()].map((x) => x.sort().join(",")).sort();
};

describe("sessionize", () => {
  const cases: [string, EnrichedEvent[], string[]][] = [
    ["events within 30 min share a session", [ev("a", 0), ev("b", 29), ev("c", 58)], ["a,b,c"]],
    ["a gap over 30 min opens a new one", [ev("a", 0), ev("b", 31)], ["a", "b"]],
    ["arrival order does not matter", [ev("c", 58), ev("a", 0), ev("b", 29)], ["a,b,c"]],
    ["a new campaign opens a new session", [ev("a", 0), ev("b", 5, { campaignKey: "google|cpc|x", channel: "paid_search" })], ["a", "b"]],
    ["the same campaign again stays", [ev("a", 0, { campaignKey: "k" }), ev("b", 5, { campaignKey: "k" })], ["a,b"]],
    ["events after a new campaign stay in its session", [ev("a", 0), ev("b", 5, { campaignKey: "k" }), ev("c", 10)], ["a", "b,c"]],
    ["an earlier campaign met again after another opens a new one",
      [ev("a", 0, { campaignKey: "j" }), ev("b", 5, { campaignKey: "k" }), ev("c", 10, { campaignKey: "j" })], ["a", "b", "c"]],
    ["identities are sessionized apart", [ev("a", 0), ev("b", 1, { anonymousId: "other" })], ["a", "b"]],
    ["userId keys messages with no anonymousId", [ev("a", 0, { anonymousId: null, userId: "u" }), ev("b", 1, { anonymousId: null, userId: "u" })], ["a,b"]],
  ];
  it.each(cases)("%s", (_n, events, expected) => expect(groups(sessionize([], events, GAP, ids()))).toEqual(expected));

  const stored = (id: string, from: number, to: number, channel = "email"): SessionState => ({
    id, identKey: "a:dev", startTs: T0 + from * MIN, endTs: T0 + to * MIN, events: 2, channel, source: null, medium: null,
    campaign: null, campaignKey: null, landingPath: "/", country: null, device: null,
  });

  it("a late event before a stored session extends it backwards and becomes its start", () => {
    const r = sessionize([stored("S", 10, 20)], [ev("late", -5, { channel: "paid_search" })], GAP, ids());
    expect(r.assignment.get("late")).toBe("S");
    expect(r.upserts).toEqual([expect.objectContaining({ id: "S", startTs: T0 - 5 * MIN, endTs: T0 + 20 * MIN, events: 3, channel: "paid_search" })]);
  });

  it("an event after a stored campaign session joins it and leaves the session before alone", () => {
    const r = sessionize([stored("S1", 0, 10), { ...stored("S2", 15, 20), campaignKey: "k" }], [ev("next", 25)], GAP, ids());
    expect(r.merged).toEqual([]);
    expect(r.assignment.get("next")).toBe("S2");
    expect(r.upserts).toEqual([expect.objectContaining({ id: "S2", startTs: T0 + 15 * MIN, endTs: T0 + 25 * MIN, campaignKey: "k" })]);
  });

  it("a late event before a stored campaign session does not take its start (the campaign still opens it)", () => {
    const r = sessionize([{ ...stored("S", 10, 20), campaignKey: "k" }], [ev("late", 5)], GAP, ids());
    expect(r.assignment.get("late")).toBe("s1");
    expect(r.upserts).toEqual([expect.objectContaining({ id: "s1", startTs: T0 + 5 * MIN, endTs: T0 + 5 * MIN })]);
  });

  it("a late event bridging two stored sessions merges them into the earlier", () => {
    const r = sessionize([stored("S1", 0, 10), stored("S2", 60, 70)], [ev("bridge", 35)], GAP, ids());
    expect(r.merged).toEqual([{ from: "S2", to: "S1" }]);
    expect(r.upserts).toEqual([expect.objectContaining({ id: "S1", startTs: T0, endTs: T0 + 70 * MIN, events: 5 })]);
  });
});
