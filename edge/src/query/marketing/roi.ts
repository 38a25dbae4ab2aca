// Cost and return per channel or campaign under one attribution model. Pure.
import type { Journey } from "../journeys";
import { NONE, type GroupBy } from "../attribution/attribute";
import type { Credits } from "../attribution/types";
import type { RoiRow } from "../api";
import { percentile } from "../percentile";

export interface RoiInput {
  journeys: Journey[];
  groupBy: GroupBy;
  /** Conversions and revenue credited to each group by the chosen model. */
  conversions: Credits;
  revenue: Credits;
  /** Media spend in the range per group. */
  media: Record<string, number>;
  /** Cost of one touchpoint per channel (operational channels). */
  unitCosts: Record<string, number>;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
// Keys are data (channel and campaign names): read own entries only, never Object.prototype's.
const own = (r: Record<string, number>, k: string) => (Object.hasOwn(r, k) ? r[k] : 0);

export function roiRows(input: RoiInput): RoiRow[] {
  const touches = new Map<string, number>();
  const operational = new Map<string, number>();
  const lags = new Map<string, number[]>();
  for (const j of input.journeys) {
    for (const t of j.touchpoints) {
      const g = t[input.groupBy] ?? NONE;
      touches.set(g, (touches.get(g) ?? 0) + 1);
      operational.set(g, (operational.get(g) ?? 0) + own(input.unitCosts, t.channel));
      if (j.conversion) lags.set(g, [...(lags.get(g) ?? []), (j.conversion.ts - t.ts) / 86_400_000]);
    }
  }
  const groups = new Set([...touches.keys(), ...Object.keys(input.media), ...Object.keys(input.conversions)]);
  return [...groups].map((group) => {
    const mediaCost = own(input.media, group);
    const operationalCost = operational.get(group) ?? 0;
    const cost = mediaCost + operationalCost;
    const conversions = own(input.conversions, group);
    const revenue = own(input.revenue, group);
    const n = touches.get(group) ?? 0;
    const l = lags.get(group);
    return {
      group, touchpoints: n, mediaCost, operationalCost, cost, conversions, revenue,
      costPerTouchpoint: ratio(cost, n), cpa: ratio(cost, conversions), roas: ratio(revenue, cost),
      roi: cost > 0 ? (revenue - cost) / cost : null,
      medianDaysToConvert: l ? percentile(l, 0.5) : null,
    };
  }).sort((a, b) => b.revenue - a.revenue || b.cost - a.cost);
}
