// The most common channel paths, the rest folded into "other", and the Sankey diagram of the top
// ones. Pure.
import type { PathRow, Sankey, TopPaths, TransitionsBody } from "./api";
import { collapseRepeats } from "./attribution/markov";

export interface PathJourney {
  /** Channels in time order. */
  channels: string[];
  converted: boolean;
  /** How many identical journeys this one stands for (1 when absent). */
  weight?: number;
}

export const OTHER = "other";

/**
 * Repeats collapse (email, email, web is the path email > web); a path longer than maxSteps keeps
 * the steps nearest the anchor: the last ones towards a conversion, the first ones after a start.
 */
export function pathOf(channels: string[], maxSteps: number, keep: "first" | "last"): string[] {
  const path = collapseRepeats(channels);
  return keep === "first" ? path.slice(0, maxSteps) : path.slice(-maxSteps);
}

export function topPaths(journeys: PathJourney[], maxSteps: number, top: number, keep: "first" | "last"): TopPaths {
  const byPath = new Map<string, PathRow>();
  for (const j of journeys) {
    if (j.channels.length === 0) continue;
    const steps = pathOf(j.channels, maxSteps, keep);
    const id = steps.join("\u0000");
    const row = byPath.get(id) ?? { steps, journeys: 0, conversions: 0 };
    row.journeys += j.weight ?? 1;
    if (j.converted) row.conversions += j.weight ?? 1;
    byPath.set(id, row);
  }
  const ranked = [...byPath.values()].sort((a, b) => b.journeys - a.journeys || b.conversions - a.conversions || (a.steps.join() < b.steps.join() ? -1 : 1));
  const kept = ranked.slice(0, top);
  const rest = ranked.slice(top);
  const paths = rest.length === 0 ? kept : [...kept, {
    steps: [OTHER],
    journeys: rest.reduce((n, r) => n + r.journeys, 0),
    conversions: rest.reduce((n, r) => n + r.conversions, 0),
  }];
  return { paths, sankey: sankeyOf(kept) };
}

export function sankeyOf(paths: PathRow[]): Sankey {
  const nodes: Sankey["nodes"] = [];
  const nodeIndex = new Map<string, number>();
  const node = (name: string, step: number) => {
    const id = `${step}\u0000${name}`;
    if (!nodeIndex.has(id)) nodeIndex.set(id, nodes.push({ name, step }) - 1);
    return nodeIndex.get(id)!;
  };
  const linkValue = new Map<string, Sankey["links"][number]>();
  for (const p of paths) {
    p.steps.forEach((name, i) => node(name, i));
    for (let i = 1; i < p.steps.length; i++) {
      const source = node(p.steps[i - 1], i - 1);
      const target = node(p.steps[i], i);
      const link = linkValue.get(`${source}>${target}`) ?? { source, target, value: 0 };
      link.value += p.journeys;
      linkValue.set(`${source}>${target}`, link);
    }
  }
  return { nodes, links: [...linkValue.values()] };
}

/** Channel-switch counts between consecutive touchpoints, from row to column. */
export function transitions(journeys: PathJourney[]): TransitionsBody {
  const seen = new Map<string, number>();
  for (const { channels, weight = 1 } of journeys) for (const c of channels) seen.set(c, (seen.get(c) ?? 0) + weight);
  const channels = [...seen.keys()].sort((a, b) => seen.get(b)! - seen.get(a)! || (a < b ? -1 : 1));
  const index = new Map(channels.map((c, i) => [c, i]));
  const matrix = channels.map(() => new Array<number>(channels.length).fill(0));
  for (const { channels: s, weight = 1 } of journeys) for (let i = 1; i < s.length; i++) matrix[index.get(s[i - 1])!][index.get(s[i])!] += weight;
  return { channels, matrix };
}

/**
 * Journeys that start at an event: each person's touchpoints from their first `start` in the
 * range on, converted when a conversion followed it.
 */
export function journeysAfter(starts: Map<string, number>, touchpoints: Map<string, { ts: number; channel: string }[]>, conversions: Map<string, number[]>): PathJourney[] {
  return [...starts].map(([personId, since]) => ({
    channels: (touchpoints.get(personId) ?? []).filter((t) => t.ts >= since).map((t) => t.channel),
    converted: (conversions.get(personId) ?? []).some((ts) => ts >= since),
  }));
}
