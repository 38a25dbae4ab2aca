// Who a segment's filter holds, judged on each person's journey state (core/person-state.ts) as it
// stood at the range's end: O(people of the range), never their raw events, so a segment is the
// same before and after raw events age out of D1. Pure.
import type { PersonState } from "../../core/person-state";
import type { SegmentFilter } from "../api";
import { inRange, type Range } from "../params";

export interface SegmentContext {
  /** The site's conversion events: their revenue ranks people for `highValue`. */
  conversions: readonly string[];
  /** People known by a userId; needed only when the filter asks `identified`. */
  identified: ReadonlySet<string> | null;
}

/** The share of the range's people, by revenue, that `highValue` keeps. */
export const HIGH_VALUE_SHARE = 0.1;


/**
 * The people of the range (something of theirs in it) at or above the revenue of the
 * ceil(10%)-th best of them; none without revenue. Ties at the cut are all kept.
 */
export function highValuePeople(states: Map<string, PersonState>, range: Range, conversions: readonly string[]): Set<string> {
  const converting = new Set(conversions);
  const revenues: [string, number][] = [];
  for (const [personId, s] of states) {
    const own = s.events.filter((e) => inRange(e.ts, range));
    if (own.length === 0) continue;
    revenues.push([personId, own.reduce((sum, e) => sum + (e.name !== null && converting.has(e.name) ? (e.revenue ?? 0) : 0), 0)]);
  }
  if (revenues.length === 0) return new Set();
  revenues.sort((a, b) => b[1] - a[1]);
  const cut = revenues[Math.ceil(revenues.length * HIGH_VALUE_SHARE) - 1][1];
  return new Set(revenues.filter(([, revenue]) => revenue > 0 && revenue >= cut).map(([personId]) => personId));
}

/** Whether one person's state (cut at the range's end) holds every field of the filter. */
export function stateMatches(personId: string, s: PersonState, filter: SegmentFilter, range: Range, ctx: SegmentContext): boolean {
  const touches = s.touches.filter((t) => inRange(t.ts, range));
  const events = s.events.filter((e) => inRange(e.ts, range));
  if (touches.length === 0 && events.length === 0) return false;
  if (filter.firstTouchChannel !== undefined && s.touches[0]?.channel !== filter.firstTouchChannel) return false;
  if (filter.anyTouchChannel !== undefined && !touches.some((t) => t.channel === filter.anyTouchChannel)) return false;
  if (filter.country !== undefined && !touches.some((t) => t.country === filter.country)) return false;
  if (filter.device !== undefined && !touches.some((t) => t.device === filter.device)) return false;
  if (filter.stage !== undefined && !s.events.some((e) => e.stage === filter.stage)) return false;
  if (filter.did !== undefined && !events.some((e) => e.name === filter.did)) return false;
  if (filter.didNot !== undefined && events.some((e) => e.name === filter.didNot)) return false;
  if (filter.identified !== undefined && (ctx.identified?.has(personId) ?? false) !== filter.identified) return false;
  return true;
}

/** Everyone of the range the filter holds (every field: AND). */
export function matchingPeople(states: Map<string, PersonState>, filter: SegmentFilter, range: Range, ctx: SegmentContext): Set<string> {
  const high = filter.highValue ? highValuePeople(states, range, ctx.conversions) : null;
  const out = new Set<string>();
  for (const [personId, s] of states) {
    if (high && !high.has(personId)) continue;
    if (stateMatches(personId, s, filter, range, ctx)) out.add(personId);
  }
  return out;
}
