// Funnel matching per person: how far each person got through the steps within the window that
// opens at a first-step event. Pure.
import type { ChannelFunnel, FunnelStep } from "./api";

export const FUNNEL_ORDERS = ["sequential", "strict", "any"] as const;
export type FunnelOrder = (typeof FUNNEL_ORDERS)[number];

export interface FunnelEvent {
  ts: number;
  name: string;
  channel: string | null;
}

export interface Reach {
  /** Steps completed: 0 when the person never did the first one. */
  depth: number;
  /** Channel of the event that opened the person's best run. */
  channel: string | null;
}

/**
 * sequential: the steps in order, other events allowed between them;
 * strict: the steps in order with no other event between them (the events given must then be all
 *   the person's events, not only the steps');
 * any: every step in any order, the window opening at whichever step came first.
 */
export function reach(events: FunnelEvent[], steps: string[], windowMs: number, order: FunnelOrder): Reach {
  let best: Reach = { depth: 0, channel: null };
  for (let i = 0; i < events.length && best.depth < steps.length; i++) {
    if (order === "any" ? !steps.includes(events[i].name) : events[i].name !== steps[0]) continue;
    const depth = runFrom(events, i, steps, events[i].ts + windowMs, order);
    if (depth > best.depth) best = { depth, channel: events[i].channel };
  }
  return best;
}

function runFrom(events: FunnelEvent[], start: number, steps: string[], until: number, order: FunnelOrder): number {
  if (order === "any") {
    const done = new Set<string>();
    for (let j = start; j < events.length && events[j].ts <= until; j++) done.add(events[j].name);
    let depth = 0;
    while (depth < steps.length && done.has(steps[depth])) depth++;
    return depth;
  }
  let depth = 1;
  for (let j = start + 1; j < events.length && events[j].ts <= until && depth < steps.length; j++) {
    if (events[j].name === steps[depth]) depth++;
    else if (order === "strict") break;
  }
  return depth;
}

export function funnelSteps(steps: string[], reaches: Reach[]): FunnelStep[] {
  const people = steps.map((_, k) => reaches.filter((r) => r.depth > k).length);
  return steps.map((name, k) => ({ name, people: people[k], dropOff: k === 0 ? 0 : people[k - 1] - people[k] }));
}

/** The same funnel per channel of the first step, largest first. */
export function funnelByChannel(steps: string[], reaches: Reach[]): ChannelFunnel[] {
  const groups = new Map<string, Reach[]>();
  for (const r of reaches) if (r.channel !== null) groups.set(r.channel, [...(groups.get(r.channel) ?? []), r]);
  return [...groups]
    .map(([channel, rs]) => ({ channel, steps: funnelSteps(steps, rs) }))
    .sort((a, b) => b.steps[0].people - a.steps[0].people || (a.channel < b.channel ? -1 : 1));
}
