// Funnel matching per person: how far each person got through the steps within the window that
// opens at a first-step event. A step is one event name or alternatives (`add_to_cart|quote_requested`),
// and may be optional (`newsletter_signup?`). Pure.
import type { ChannelFunnel, FunnelStep } from "./api";
import { ParamError } from "./params";

export const FUNNEL_ORDERS = ["sequential", "strict", "any"] as const;
export type FunnelOrder = (typeof FUNNEL_ORDERS)[number];

export interface FunnelEvent {
  ts: number;
  name: string;
  channel: string | null;
}

/** One step of a funnel: the names any of which counts, and whether people may skip it. */
export interface StepSpec {
  name: string;
  events: string[];
  optional: boolean;
}

export interface Reach {
  /** Steps reached: a required one once every required step up to it was done in order; an optional one when done. */
  done: boolean[];
  /** Channel of the event that opened the person's best run. */
  channel: string | null;
  /** The person's first-touch channel, when the answer breaks steps down by it. */
  firstTouch?: string;
}

const MAX_ALTERNATIVES = 10;

/**
 * `steps` as written in the query string, split at the commas: `a|b` is either, `a?` optional. The
 * first step opens the window, so it cannot be optional.
 */
export function parseSteps(items: string[]): StepSpec[] {
  return items.map((item, i) => {
    const optional = item.endsWith("?");
    const events = [...new Set((optional ? item.slice(0, -1) : item).split("|").map((s) => s.trim()))];
    if (events.some((e) => e === "") || events.length > MAX_ALTERNATIVES) {
      throw new ParamError("steps", `step ${i + 1} (${JSON.stringify(item)}) must be 1 to ${MAX_ALTERNATIVES} event names joined by |`);
    }
    if (optional && i === 0) throw new ParamError("steps", "the first step cannot be optional: it opens the window");
    return { name: events.join("|"), events, optional };
  });
}

/** Every event name the steps count, for loaders that read only those. */
export const stepEvents = (steps: StepSpec[]): string[] => [...new Set(steps.flatMap((s) => s.events))];

/**
 * sequential: the steps in order, other events allowed between them; an optional step counts when
 *   it comes before the next required step's event, and is skipped otherwise;
 * strict: the steps in order with no other event between them (the events given must then be all
 *   the person's events, not only the steps');
 * any: every step in any order, the window opening at whichever step came first.
 * The best run is the one reaching the furthest step, then doing the most steps.
 */
export function reach(events: FunnelEvent[], steps: StepSpec[], windowMs: number, order: FunnelOrder): Reach {
  const all = new Set(stepEvents(steps));
  let best: Reach = { done: steps.map(() => false), channel: null };
  let bestScore = [0, 0];
  for (let i = 0; i < events.length; i++) {
    if (order === "any" ? !all.has(events[i].name) : !steps[0].events.includes(events[i].name)) continue;
    const done = order === "any" ? anyFrom(events, i, steps, events[i].ts + windowMs) : runFrom(events, i, steps, events[i].ts + windowMs, order === "strict");
    const score = [done.lastIndexOf(true) + 1, done.filter(Boolean).length];
    if (score[0] > bestScore[0] || (score[0] === bestScore[0] && score[1] > bestScore[1])) {
      best = { done, channel: events[i].channel };
      bestScore = score;
      if (score[1] === steps.length) break;
    }
  }
  return best;
}

function runFrom(events: FunnelEvent[], start: number, steps: StepSpec[], until: number, strict: boolean): boolean[] {
  const done = steps.map((_, k) => k === 0);
  let next = 1;
  for (let j = start + 1; j < events.length && events[j].ts <= until && next < steps.length; j++) {
    // The event may be the next step, or a later one when every step before that is optional.
    let m = next;
    while (m < steps.length && !steps[m].events.includes(events[j].name) && steps[m].optional) m++;
    if (m < steps.length && steps[m].events.includes(events[j].name)) {
      done[m] = true;
      next = m + 1;
    } else if (strict) break;
  }
  return done;
}

function anyFrom(events: FunnelEvent[], start: number, steps: StepSpec[], until: number): boolean[] {
  const seen = new Set<string>();
  for (let j = start; j < events.length && events[j].ts <= until; j++) seen.add(events[j].name);
  const did = steps.map((s) => s.events.some((e) => seen.has(e)));
  // A step counts once every required step before it is done as well.
  let blocked = false;
  return did.map((d, k) => {
    const counted = d && !blocked;
    if (!steps[k].optional && !d) blocked = true;
    return counted;
  });
}

export function funnelSteps(steps: StepSpec[], reaches: Reach[]): FunnelStep[] {
  const people = steps.map((_, k) => reaches.filter((r) => r.done[k]).length);
  let lastRequired = 0;
  return steps.map((step, k) => {
    const firstTouch: Record<string, number> = {};
    for (const r of reaches) if (r.done[k] && r.firstTouch !== undefined) firstTouch[r.firstTouch] = (firstTouch[r.firstTouch] ?? 0) + 1;
    const dropOff = k === 0 ? 0 : people[lastRequired] - people[k];
    if (!step.optional) lastRequired = k;
    return { name: step.name, people: people[k], dropOff, events: step.events, optional: step.optional, firstTouch };
  });
}

/** The same funnel per channel of the first step, largest first. */
export function funnelByChannel(steps: StepSpec[], reaches: Reach[]): ChannelFunnel[] {
  const groups = new Map<string, Reach[]>();
  for (const r of reaches) if (r.channel !== null) groups.set(r.channel, [...(groups.get(r.channel) ?? []), r]);
  return [...groups]
    .map(([channel, rs]) => ({ channel, steps: funnelSteps(steps, rs) }))
    .sort((a, b) => b.steps[0].people - a.steps[0].people || (a.channel < b.channel ? -1 : 1));
}
