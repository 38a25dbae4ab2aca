// Who is worth most: people ranked by revenue (or order count), the top share or those over a
// threshold, set against everyone else: their paths, channels and stages. Pure.
import type { SegmentSide, ValueSegmentsBody } from "../api";
import { collapseRepeats } from "../attribution/markov";

export interface PersonValue {
  personId: string;
  revenue: number;
  orders: number;
  /** The person's touchpoint channels in time order. */
  channels: string[];
  stage: string | null;
}

export interface SegmentRule { by: "revenue" | "orders"; top?: number; min?: number }

function describe(people: PersonValue[]): SegmentSide {
  const n = people.length;
  const revenue = people.reduce((s, p) => s + p.revenue, 0);
  const orders = people.reduce((s, p) => s + p.orders, 0);
  const count = (keys: (p: PersonValue) => string[]) => {
    const m = new Map<string, number>();
    for (const p of people) for (const k of new Set(keys(p))) m.set(k, (m.get(k) ?? 0) + 1);
    return [...m].map(([key, c]) => ({ key, people: c, share: c / n })).sort((a, b) => b.people - a.people);
  };
  return {
    people: n, revenue, orders, revenuePerPerson: n ? revenue / n : 0,
    channels: count((p) => p.channels).map(({ key, ...r }) => ({ channel: key, ...r })),
    stages: count((p) => [p.stage ?? "(none)"]).map(({ key, ...r }) => ({ stage: key, ...r })),
    paths: count((p) => (p.channels.length ? [collapseRepeats(p.channels).join(" > ")] : [])).slice(0, 10)
      .map(({ key, ...r }) => ({ steps: key.split(" > "), ...r })),
  };
}

export function valueSegments(people: PersonValue[], rule: SegmentRule): ValueSegmentsBody {
  const metric = (p: PersonValue) => (rule.by === "revenue" ? p.revenue : p.orders);
  const ranked = [...people].filter((p) => metric(p) > 0).sort((a, b) => metric(b) - metric(a));
  let threshold: number;
  if (rule.min !== undefined) threshold = rule.min;
  else {
    // The top share of paying people, at least one; ties at the cut stay in.
    const k = Math.max(1, Math.ceil(ranked.length * (rule.top ?? 0.1)));
    threshold = ranked.length ? metric(ranked[Math.min(k, ranked.length) - 1]) : Infinity;
  }
  const inSegment = (p: PersonValue) => metric(p) > 0 && metric(p) >= threshold;
  return {
    by: rule.by, threshold: Number.isFinite(threshold) ? threshold : null,
    segment: describe(people.filter(inSegment)),
    rest: describe(people.filter((p) => !inSegment(p))),
  };
}
