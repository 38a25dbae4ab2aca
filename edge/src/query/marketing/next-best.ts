// The next best touchpoint for a person at a stage: the channel with the highest Markov removal
// effect over what followed for the people who were at that stage. Pure.
//
// Grouping whole journeys by each person's current stage would not do: someone still at
// "consideration" is, nearly by definition, someone who has not converted, so that group holds
// almost no conversions and every removal effect is zero. What a marketer wants to know is which
// channel moved people on from that stage, so each journey counts from its first touchpoint made
// while the person was at the stage.
import { toAttributionJourneys } from "../attribution/attribute";
import { pathCounts, removalEffects } from "../attribution/markov";
import type { Journey } from "../journeys";
import { latestBefore } from "./latest-before";

export type StageTimeline = { ts: number; stage: string }[];

export interface NextBest {
  /** Over every journey: the answer for a person whose stage is unknown or never led anywhere. */
  overall: string | null;
  byStage: Map<string, string | null>;
}

/** The channel whose removal costs the most conversions; null when no channel carries any. */
export function strongestChannel(journeys: Journey[]): string | null {
  const { effects } = removalEffects(pathCounts(toAttributionJourneys(journeys, "channel", "count")));
  const [top] = Object.entries(effects).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return top && top[1] > 0 ? top[0] : null;
}

/** Each journey from the first touchpoint made at each stage it passed through. */
export function journeysFromStages(journeys: Journey[], stagesOf: Map<string, StageTimeline>): Map<string, Journey[]> {
  const out = new Map<string, Journey[]>();
  for (const j of journeys) {
    const timeline = stagesOf.get(j.personId);
    if (!timeline) continue;
    const seen = new Set<string>();
    j.touchpoints.forEach((t, i) => {
      // The stage the touchpoint found the person at: set before it, not by it.
      const stage = latestBefore(timeline, t.ts)?.stage;
      if (stage === undefined || seen.has(stage)) return;
      seen.add(stage);
      const fromHere = { ...j, touchpoints: j.touchpoints.slice(i) };
      const list = out.get(stage);
      if (list) list.push(fromHere);
      else out.set(stage, [fromHere]);
    });
  }
  return out;
}

export function nextBestTouchpoints(journeys: Journey[], stagesOf: Map<string, StageTimeline>): NextBest {
  const byStage = new Map([...journeysFromStages(journeys, stagesOf)].map(([stage, js]) => [stage, strongestChannel(js)] as const));
  return { overall: strongestChannel(journeys), byStage };
}

export const suggestionFor = (best: NextBest, stage: string | null): string | null =>
  (stage === null ? null : best.byStage.get(stage)) ?? best.overall;
