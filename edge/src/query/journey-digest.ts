// Journeys reduced to what the journey answers read (overview, attribution, paths to a conversion,
// transitions, journeys/stats): journeys of one shape — the channel, source and campaign of each
// touchpoint, and whether it converted — are counted once with a weight. Two things a shape cannot
// carry are kept beside it: time-decay credit (it depends on each touchpoint's age) and each
// conversion's time to convert (the median needs every value). Digests add up, so a day's digest
// is kept (load/journey-days.ts) and a range's answer sums days. Pure.
import { GROUP_BYS, type GroupBy } from "./api";
import { attribute, NONE } from "./attribution/attribute";
import { timeDecay } from "./attribution/rules";
import { newCredits, type AttributionJourney } from "./attribution/types";
import { timesToConvert } from "./journey-stats";
import type { Journey } from "./journeys";
import type { PathJourney } from "./paths";

type ShapeTouch = [channel: string, source: string | null, campaign: string | null];
const BY_INDEX: Record<GroupBy, 0 | 1 | 2> = { channel: 0, source: 1, campaign: 2 };

interface Shape {
  touches: ShapeTouch[];
  converted: boolean;
  journeys: number;
  /** Revenue of its conversions. */
  revenue: number;
}

export interface JourneyDigest {
  /** By shape id (the packed touches and converted flag). */
  shapes: Map<string, Shape>;
  /** Time-decay credit per grouping and group: [conversions, revenue]. */
  timeDecay: Record<GroupBy, Map<string, [number, number]>>;
  timesToConvert: number[];
}

export const emptyDigest = (): JourneyDigest => ({
  shapes: new Map(), timeDecay: { channel: new Map(), source: new Map(), campaign: new Map() }, timesToConvert: [],
});

function addShape(d: JourneyDigest, touches: ShapeTouch[], converted: boolean, journeys: number, revenue: number): void {
  const id = JSON.stringify([converted ? 1 : 0, touches]);
  const s = d.shapes.get(id);
  if (s) {
    s.journeys += journeys;
    s.revenue += revenue;
  } else d.shapes.set(id, { touches, converted, journeys, revenue });
}

function addCredit(to: Map<string, [number, number]>, key: string, count: number, revenue: number): void {
  const c = to.get(key);
  if (c) {
    c[0] += count;
    c[1] += revenue;
  } else to.set(key, [count, revenue]);
}

export function digestOf(journeys: Journey[]): JourneyDigest {
  const d = emptyDigest();
  for (const j of journeys) {
    const revenue = j.conversion?.revenue ?? 0;
    addShape(d, j.touchpoints.map((t) => [t.channel, t.source, t.campaign]), j.conversion !== null, 1, revenue);
    if (j.conversion === null || j.touchpoints.length === 0) continue;
    const weights = timeDecay(j.touchpoints.map((t) => ({ key: "", channel: t.channel, ts: t.ts })), j.endTs);
    for (const by of GROUP_BYS) {
      j.touchpoints.forEach((t, i) => weights[i] > 0 && addCredit(d.timeDecay[by], t[by] ?? NONE, weights[i], weights[i] * revenue));
    }
  }
  d.timesToConvert = timesToConvert(journeys);
  return d;
}

/** Adds `from` into `into`. */
export function addDigest(into: JourneyDigest, from: JourneyDigest): JourneyDigest {
  for (const s of from.shapes.values()) addShape(into, s.touches, s.converted, s.journeys, s.revenue);
  for (const by of GROUP_BYS) {
    for (const [key, [count, revenue]] of from.timeDecay[by]) addCredit(into.timeDecay[by], key, count, revenue);
  }
  for (const t of from.timesToConvert) into.timesToConvert.push(t);
  return into;
}

// Stored as arrays, not objects: keys are data (a campaign may be called "__proto__").
type Packed = { s: [ShapeTouch[], 0 | 1, number, number][]; t: [GroupBy, string, number, number][]; c: number[] };

export function packDigest(d: JourneyDigest): string {
  const packed: Packed = {
    s: [...d.shapes.values()].map((s) => [s.touches, s.converted ? 1 : 0, s.journeys, s.revenue]),
    t: GROUP_BYS.flatMap((by) => [...d.timeDecay[by]].map(([k, [c, r]]) => [by, k, c, r] as Packed["t"][number])),
    c: d.timesToConvert,
  };
  return JSON.stringify(packed);
}

export function unpackDigest(text: string): JourneyDigest {
  const p = JSON.parse(text) as Packed;
  const d = emptyDigest();
  for (const [touches, converted, journeys, revenue] of p.s) addShape(d, touches, converted === 1, journeys, revenue);
  for (const [by, key, count, revenue] of p.t) addCredit(d.timeDecay[by], key, count, revenue);
  d.timesToConvert = p.c;
  return d;
}

/** The journeys as channel sequences with weights: paths, transitions and stats read these. */
export const pathJourneys = (d: JourneyDigest): PathJourney[] =>
  [...d.shapes.values()].map((s) => ({ channels: s.touches.map((t) => t[0]), converted: s.converted, weight: s.journeys }));

/** Every model's credit by the grouping, counting conversions or their revenue. */
export function attributionOf(d: JourneyDigest, by: GroupBy, value: "count" | "revenue") {
  const at = BY_INDEX[by];
  const journeys: AttributionJourney[] = [...d.shapes.values()].map((s) => ({
    steps: s.touches.map((t) => ({ key: t[at] ?? NONE, channel: t[0], ts: 0 })),
    endTs: 0,
    converted: s.converted,
    value: s.converted ? (value === "revenue" ? s.revenue : s.journeys) : 0,
    weight: s.journeys,
  }));
  const timeDecayCredits = newCredits();
  for (const [key, [count, revenue]] of d.timeDecay[by]) timeDecayCredits[key] = value === "revenue" ? revenue : count;
  return attribute(journeys, timeDecayCredits);
}
