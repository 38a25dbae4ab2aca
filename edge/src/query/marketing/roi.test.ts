import { describe, expect, it } from "vitest";
import type { Journey, Touch } from "../journeys";
import { roiRows } from "./roi";

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
  it("groups by campaign: touchpoints without one and spend without one both fall under (none)", () => {
    const byCampaign = Object.fromEntries(roiRows({
      journeys: [{ personId: "d", touchpoints: [touch("ads", 0, "spring"), touch("web", DAY)], conversion: { ...touch("web", DAY), revenue: 40 }, endTs: DAY }],
      groupBy: "campaign", conversions: { spring: 0.5, "(none)": 0.5 }, revenue: { spring: 20, "(none)": 20 }, media: { spring: 10, "(none)": 5 }, unitCosts: {},
    }).map((r) => [r.group, r]));
    expect(byCampaign.spring).toMatchObject({ touchpoints: 1, cost: 10, cpa: 20, roas: 2 });
    expect(byCampaign["(none)"]).toMatchObject({ touchpoints: 1, cost: 5, cpa: 10, roas: 4 });
  });
  it("lists spend that brought no touchpoint, as pure loss", () => {
    const idle = roiRows({ journeys: [], groupBy: "channel", conversions: {}, revenue: {}, media: { social: 70 }, unitCosts: {} });
    expect(idle).toEqual([expect.objectContaining({ group: "social", touchpoints: 0, cost: 70, costPerTouchpoint: null, cpa: null, roas: 0, roi: -1 })]);
  });
  it("reads a channel named like an Object property as data", () => {
    const [row] = roiRows({ journeys: [{ personId: "x", touchpoints: [touch("constructor", 0)], conversion: null, endTs: 0 }], groupBy: "channel",
      conversions: {}, revenue: {}, media: {}, unitCosts: {} });
    expect(row).toMatchObject({ group: "constructor", touchpoints: 1, cost: 0, revenue: 0, roas: null });
  });
});
