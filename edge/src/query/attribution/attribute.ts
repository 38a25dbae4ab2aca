// Every model of API.md over one set of journeys, grouped by channel, source or campaign.
import { GROUP_BYS, MODELS, type GroupBy, type Model } from "../api";
import type { Journey, Touch } from "../journeys";
import { markovCredits } from "./markov";
import { creditByRule, firstTouch, lastNonDirect, lastTouch, linear, positionBased, timeDecay } from "./rules";
import { shapleyCredits } from "./shapley";
import type { AttributionJourney, Credits } from "./types";

export { GROUP_BYS, MODELS, type GroupBy, type Model };

/** Touchpoints with no source or campaign (direct visits, a phone call) still need a group. */
export const NONE = "(none)";

const groupOf = (t: Touch, by: GroupBy) => t[by] ?? NONE;

export function toAttributionJourneys(journeys: Journey[], by: GroupBy, value: "count" | "revenue"): AttributionJourney[] {
  return journeys.map((j) => ({
    steps: j.touchpoints.map((t) => ({ key: groupOf(t, by), channel: t.channel, ts: t.ts })),
    endTs: j.endTs,
    converted: j.conversion !== null,
    value: j.conversion === null ? 0 : value === "revenue" ? (j.conversion.revenue ?? 0) : 1,
  }));
}

/**
 * `timeDecayCredits` stand in for the time-decay credits when the journeys are weighted shapes, which
 * carry no touchpoint times (query/journey-digest.ts keeps that credit apart).
 */
export function attribute(journeys: AttributionJourney[], timeDecayCredits?: Credits): { total: number; models: Record<Model, Credits> } {
  const total = journeys.reduce((sum, j) => sum + (j.converted ? j.value : 0), 0);
  return {
    total,
    models: {
      first_touch: creditByRule(journeys, firstTouch),
      last_touch: creditByRule(journeys, lastTouch),
      last_non_direct: creditByRule(journeys, lastNonDirect),
      linear: creditByRule(journeys, linear),
      time_decay: timeDecayCredits ?? creditByRule(journeys, timeDecay),
      position_based: creditByRule(journeys, positionBased),
      markov: markovCredits(journeys, total),
      shapley: shapleyCredits(journeys, total),
    },
  };
}
