// The rule-based models of API.md: each splits one conversion over its journey's steps by a fixed
// rule, given as the weight of each step (weights add up to 1).
import { addCredit, newCredits, type AttributionJourney, type Credits, type Step } from "./types";
import { DAY_MS } from "../journeys";

export type Weigh = (steps: Step[], endTs: number) => number[];

const only = (n: number, at: number) => Array.from({ length: n }, (_, i) => (i === at ? 1 : 0));

export const firstTouch: Weigh = (steps) => only(steps.length, 0);

export const lastTouch: Weigh = (steps) => only(steps.length, steps.length - 1);

/** The last step whose channel is not direct; an all-direct journey keeps its last step. */
export const lastNonDirect: Weigh = (steps) => {
  let i = steps.length - 1;
  while (i > 0 && steps[i].channel === "direct") i--;
  return only(steps.length, steps[i].channel === "direct" ? steps.length - 1 : i);
};

/** Equal shares; a channel met twice gets two shares. */
export const linear: Weigh = (steps) => steps.map(() => 1 / steps.length);

/** 40% first, 40% last, 20% over the middle; one step takes all, two split evenly. */
export const positionBased: Weigh = (steps) => {
  const n = steps.length;
  if (n <= 2) return steps.map(() => 1 / n);
  return steps.map((_, i) => (i === 0 || i === n - 1 ? 0.4 : 0.2 / (n - 2)));
};

export const TIME_DECAY_HALF_LIFE_MS = 7 * DAY_MS;

/** Weight 2^(-Δt / 7 days), Δt from the step to the conversion, normalised. */
export const timeDecay: Weigh = (steps, endTs) => {
  const raw = steps.map((s) => 2 ** (-(endTs - s.ts) / TIME_DECAY_HALF_LIFE_MS));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => w / total);
};

/** Credits of one rule over the converting journeys, each worth its value. */
export function creditByRule(journeys: AttributionJourney[], weigh: Weigh): Credits {
  const credits: Credits = newCredits();
  for (const j of journeys) {
    if (!j.converted || j.steps.length === 0) continue;
    weigh(j.steps, j.endTs).forEach((w, i) => w > 0 && addCredit(credits, j.steps[i].key, w * j.value));
  }
  return credits;
}
