// Core Web Vitals thresholds, from web.dev (https://web.dev/articles/vitals): a p75 at or under
// the first bound is good, over the second poor. LCP, INP, FCP and TTFB in ms; CLS unitless.
export const VITAL_THRESHOLDS: Record<string, [number, number]> = {
  LCP: [2500, 4000],
  INP: [200, 500],
  CLS: [0.1, 0.25],
  FCP: [1800, 3000],
  TTFB: [800, 1800],
};
export const VITAL_NAMES = Object.keys(VITAL_THRESHOLDS);

export type Rating = "good" | "needs-improvement" | "poor";

export function rateVital(metric: string, p75: number): Rating | null {
  const bounds = VITAL_THRESHOLDS[metric];
  if (!bounds) return null;
  return p75 <= bounds[0] ? "good" : p75 <= bounds[1] ? "needs-improvement" : "poor";
}

export function formatVital(metric: string, p75: number): string {
  if (metric === "CLS") return p75.toFixed(2);
  return p75 >= 1000 ? `${(p75 / 1000).toFixed(2)} s` : `${Math.round(p75)} ms`;
}
