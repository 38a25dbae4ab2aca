// First-party feedback scored the standard way. Pure.
// NPS: 0-10, % promoters (9-10) minus % detractors (0-6). CSAT: 1-5, % of 4-5.
// CES: 1 (very hard) to 7 (very easy), the mean. Scores out of a kind's range are ignored.
import type { FeedbackBody, ScoreRow } from "../api";
import { latestBefore } from "./latest-before";

export const FEEDBACK_KINDS = ["nps", "csat", "ces"] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

const RANGE: Record<FeedbackKind, [number, number]> = { nps: [0, 10], csat: [1, 5], ces: [1, 7] };

export const inRange = (kind: FeedbackKind, score: number) => Number.isFinite(score) && score >= RANGE[kind][0] && score <= RANGE[kind][1];

/** A low score: an NPS detractor, an unsatisfied CSAT (1-2), a hard CES (1-3). */
export function isLow(kind: FeedbackKind, score: number): boolean {
  return kind === "nps" ? score <= 6 : kind === "csat" ? score <= 2 : score <= 3;
}

/** The kind's headline number over a set of scores; null for none. */
export function scoreOf(kind: FeedbackKind, scores: number[]): number | null {
  if (scores.length === 0) return null;
  if (kind === "nps") {
    const promoters = scores.filter((s) => s >= 9).length;
    const detractors = scores.filter((s) => s <= 6).length;
    return ((promoters - detractors) / scores.length) * 100;
  }
  if (kind === "csat") return (scores.filter((s) => s >= 4).length / scores.length) * 100;
  return scores.reduce((a, b) => a + b, 0) / scores.length;
}

/** One answer as stored: who, when, on which channel. */
export interface Answer { personId: string; ts: number; score: number; comment: string | null; channel: string }

export interface FeedbackItem extends Answer {
  /** The person's stage when they answered (their latest stage-mapped event before it). */
  stage: string | null;
  /** How many touchpoints the person had in the 30 days before answering: the step they answered at. */
  step: number;
  /** Channels of the person's touchpoints in the 7 days before answering. */
  preceding: string[];
}

const DAY = 86_400_000;

/**
 * Places each answer in the person's journey. Only touchpoints strictly before the answer count:
 * an answer sent on its own channel is a touchpoint of that channel at the same instant, and
 * counting it would make every survey channel look like it precedes its own answers.
 */
export function placeAnswers(answers: Answer[], touches: Map<string, { ts: number; channel: string }[]>,
  stages: Map<string, { ts: number; stage: string }[]>): FeedbackItem[] {
  return answers.map((a) => {
    const before = (ms: number) => (touches.get(a.personId) ?? []).filter((t) => t.ts < a.ts && t.ts >= a.ts - ms);
    return { ...a, stage: latestBefore(stages.get(a.personId), a.ts)?.stage ?? null, step: before(30 * DAY).length, preceding: before(7 * DAY).map((t) => t.channel) };
  });
}

function scoreBy(kind: FeedbackKind, items: FeedbackItem[], key: (i: FeedbackItem) => string): ScoreRow[] {
  const groups = new Map<string, number[]>();
  for (const i of items) groups.set(key(i), [...(groups.get(key(i)) ?? []), i.score]);
  return [...groups].map(([k, s]) => ({ key: k, responses: s.length, score: scoreOf(kind, s) })).sort((a, b) => b.responses - a.responses);
}

/** Channels seen before low scores, against their share before every answer: lift > 1 marks friction. */
function precedingLowScores(kind: FeedbackKind, items: FeedbackItem[]) {
  const share = (list: FeedbackItem[]) => {
    const counts = new Map<string, number>();
    for (const i of list) for (const ch of new Set(i.preceding)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    return { counts, n: list.length };
  };
  const low = share(items.filter((i) => isLow(kind, i.score)));
  const all = share(items);
  return [...low.counts].map(([channel, n]) => {
    const lowShare = n / low.n;
    const baseShare = all.counts.get(channel)! / all.n;
    return { channel, lowShare, baseShare, lift: lowShare / baseShare };
  }).sort((a, b) => b.lift - a.lift || b.lowShare - a.lowShare);
}

export function summarizeFeedback(kind: FeedbackKind, all: FeedbackItem[], commentLimit = 50): FeedbackBody {
  const items = all.filter((i) => inRange(kind, i.score));
  const stepLabel = (n: number) => (n >= 4 ? "4+" : String(n));
  return {
    kind,
    responses: items.length,
    score: scoreOf(kind, items.map((i) => i.score)),
    byChannel: scoreBy(kind, items, (i) => i.channel),
    byStage: scoreBy(kind, items, (i) => i.stage ?? "(none)"),
    byStep: scoreBy(kind, items, (i) => stepLabel(i.step)).sort((a, b) => a.key.localeCompare(b.key)),
    comments: items.filter((i) => i.comment).sort((a, b) => b.ts - a.ts).slice(0, commentLimit)
      .map((i) => ({ personId: i.personId, timestamp: new Date(i.ts).toISOString(), score: i.score, channel: i.channel, comment: i.comment })),
    precedingLowScores: precedingLowScores(kind, items),
  };
}
