// Core Web Vitals per page: p75 (the percentile web.dev and CrUX judge a page by) and the share of
// samples rated good / needs improvement / poor. Pure.
// The thresholds are the contract's (api.ts), so the dashboard shows the rating the edge gives.
import { VITAL_THRESHOLDS, type PageEngagement, type PageVitals, type VitalName, type VitalRating, type VitalSummary } from "./api";
import { share } from "./journey-stats";
import { percentile } from "./percentile";

export type { VitalName };
export const isVitalName = (name: unknown): name is VitalName => typeof name === "string" && Object.hasOwn(VITAL_THRESHOLDS, name);

export function rate(name: VitalName, value: number): VitalRating {
  const [good, poor] = VITAL_THRESHOLDS[name];
  return value <= good ? "good" : value <= poor ? "needsImprovement" : "poor";
}

export interface VitalSample {
  path: string;
  name: VitalName;
  value: number;
}

export function summarizeMetric(name: VitalName, values: number[]): VitalSummary {
  const counts = { good: 0, needsImprovement: 0, poor: 0 };
  for (const v of values) counts[rate(name, v)]++;
  const p75 = percentile(values, 0.75)!;
  return {
    p75,
    rating: rate(name, p75),
    good: share(counts.good, values.length),
    needsImprovement: share(counts.needsImprovement, values.length),
    poor: share(counts.poor, values.length),
  };
}

/** Pages with the most samples first. */
export function vitalsByPage(samples: VitalSample[]): PageVitals[] {
  const pages = new Map<string, Map<VitalName, number[]>>();
  for (const s of samples) {
    const metrics = pages.get(s.path) ?? pages.set(s.path, new Map()).get(s.path)!;
    const values = metrics.get(s.name);
    // Pushed, not copied: a page's metric gathers thousands of samples at a million events.
    if (values) values.push(s.value);
    else metrics.set(s.name, [s.value]);
  }
  return [...pages]
    .map(([path, metrics]) => ({
      path,
      samples: [...metrics.values()].reduce((n, v) => n + v.length, 0),
      metrics: Object.fromEntries([...metrics].map(([name, values]) => [name, summarizeMetric(name, values)])),
    }))
    .sort((a, b) => b.samples - a.samples || (a.path < b.path ? -1 : 1));
}

/**
 * Engagement beside the vitals of the same page; a page with engagement and no vitals samples
 * follows the measured ones, most visits first. Additive: a page without engagement is unchanged.
 */
export function withEngagement(pages: PageVitals[], engagement: Map<string, PageEngagement>): PageVitals[] {
  const known = new Set(pages.map((p) => p.path));
  const joined = pages.map((p) => {
    const e = engagement.get(p.path);
    return e ? { ...p, engagement: e } : p;
  });
  const only = [...engagement]
    .filter(([path]) => !known.has(path))
    .sort(([a, x], [b, y]) => y.visits - x.visits || (a < b ? -1 : 1))
    .map(([path, e]): PageVitals => ({ path, samples: 0, metrics: {}, engagement: e }));
  return [...joined, ...only];
}
