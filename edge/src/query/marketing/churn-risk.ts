// Churn risk learned from the site's own history, naive-Bayes style so every score explains
// itself: each feature (a channel touched, a low feedback score, a service event, quiet weeks)
// carries the log of its smoothed churn lift, and a person's score is the base rate moved by the
// weights of the features they show. Pure.
import type { ChurnFactor, ScoredPerson } from "../api";

export interface PersonHistory {
  personId: string;
  /** Did the person churn (a churn event) — for training; people who did are not scored. */
  churned: boolean;
  /** Features seen in the window before churn (churned) or before now (the others). */
  features: string[];
  stage: string | null;
}

export type Factor = ChurnFactor;
export interface Model { baseRate: number; weights: Map<string, number>; trainedOn: number }

const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Weights with Laplace smoothing; features seen by fewer than `minSupport` people are ignored. */
export function trainChurnModel(history: PersonHistory[], minSupport = 3): Model {
  const n = history.length;
  const churned = history.filter((h) => h.churned).length;
  const baseRate = (churned + 1) / (n + 2);
  const withF = new Map<string, [all: number, churned: number]>();
  for (const h of history) for (const f of new Set(h.features)) {
    const c = withF.get(f) ?? [0, 0];
    c[0]++;
    if (h.churned) c[1]++;
    withF.set(f, c);
  }
  const weights = new Map<string, number>();
  for (const [f, [all, ch]] of withF) {
    if (all < minSupport) continue;
    const rateWithF = (ch + baseRate * 2) / (all + 2);
    weights.set(f, Math.log(rateWithF / baseRate));
  }
  return { baseRate, weights, trainedOn: n };
}

export function scorePerson(model: Model, features: string[]): { score: number; factors: Factor[] } {
  const factors = [...new Set(features)].filter((f) => model.weights.has(f))
    .map((feature) => ({ feature, weight: model.weights.get(feature)! }))
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  const x = logit(model.baseRate) + factors.reduce((s, f) => s + f.weight, 0);
  return { score: sigmoid(x), factors };
}

/**
 * Learns from everyone, then scores those who have not churned, riskiest first; equal scores by
 * person id, as the stored scores are read (ORDER BY score DESC, person_id), so /at-risk lists the
 * same people in the same order whether the cron stored its scores yet or not.
 */
export function scoreHistory(history: PersonHistory[]): { model: Model; scored: ScoredPerson[] } {
  const model = trainChurnModel(history);
  const scored = history.filter((h) => !h.churned)
    .map((h) => ({ personId: h.personId, stage: h.stage, ...scorePerson(model, h.features) }))
    .sort((a, b) => b.score - a.score || (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0));
  return { model, scored };
}

const DAY = 86_400_000;
export const CHURN_WINDOW_MS = 30 * DAY;
const QUIET_MS = 14 * DAY;

/**
 * What a person showed in the window before `end` (their churn, or now): the channels they were
 * reached on, the events they did, a low feedback score, and whether they went quiet.
 */
export function churnFeatures(touches: { ts: number; channel: string }[], events: { ts: number; name: string }[],
  lowFeedback: number[], end: number, exclude: Set<string>): string[] {
  const from = end - CHURN_WINDOW_MS;
  const inWindow = (ts: number) => ts >= from && ts < end;
  const features = new Set<string>();
  for (const t of touches) if (inWindow(t.ts)) features.add(`channel:${t.channel}`);
  for (const e of events) if (inWindow(e.ts) && !exclude.has(e.name)) features.add(`event:${e.name}`);
  if (lowFeedback.some(inWindow)) features.add("feedback:low");
  if (!touches.some((t) => t.ts >= end - QUIET_MS && t.ts < end)) features.add("quiet:14d");
  return [...features];
}
