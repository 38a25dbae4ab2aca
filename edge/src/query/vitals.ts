// Core Web Vitals per page: p75 (the percentile web.dev and CrUX judge a page by) and the share of
// samples rated good / needs improvement / poor. Pure.
import { share } from "./journey-stats";
import { percentile } from "./percentile";

// https://web.dev/articles/vitals (and defineThresholds in GoogleChrome/web-vitals): good <= first, poor > second.
export const THRESHOLDS = {
  LCP: [2500, 4000],
  INP: [200, 500],
  CLS: [0.1, 0.25],
  FCP: [1800, 3000],
  TTFB: [800, 1800],
} as const;
export type VitalName = keyof typeof THRESHOLDS;
export const isVitalName = (name: unknown): name is VitalName => typeof name === "string" && name in THRESHOLDS;

export type Rating = "good" | "needsImprovement" | "poor";

export function rate(name: VitalName, value: number): Rating {
  const [good, poor] = THRESHOLDS[name];
  return value <= good ? "good" : value <= poor ? "needsImprovement" : "poor";
}

export interface VitalSample {
  path: string;
  name: VitalName;
  value: number;
}

export interface MetricSummary {
  p75: number;
  good: number;
  needsImprovement: number;
  poor: number;
}

export interface PageVitals {
  path: string;
  samples: number;
  metrics: Partial<Record<VitalName, MetricSummary>>;
}

export function summarizeMetric(name: VitalName, values: number[]): MetricSummary {
  const counts = { good: 0, needsImprovement: 0, poor: 0 };
  for (const v of values) counts[rate(name, v)]++;
  return {
    p75: percentile(values, 0.75)!,
    good: share(counts.good, values.length),
    needsImprovement: share(counts.needsImprovement, values.length),
    poor: share(counts.poor, values.length),
  };
}

/** Pages with the most samples first. */
export function vitalsByPage(samples: VitalSample[]): PageVitals[] {
  const pages = new Map<string, Map<VitalName, number[]>>();
  for (const s of samples) {
    const metrics = pages.get(s.path) ?? new Map<VitalName, number[]>();
    metrics.set(s.name, [...(metrics.get(s.name) ?? []), s.value]);
    pages.set(s.path, metrics);
  }
  return [...pages]
    .map(([path, metrics]) => ({
      path,
      samples: [...metrics.values()].reduce((n, v) => n + v.length, 0),
      metrics: Object.fromEntries([...metrics].map(([name, values]) => [name, summarizeMetric(name, values)])),
    }))
    .sort((a, b) => b.samples - a.samples || (a.path < b.path ? -1 : 1));
}
