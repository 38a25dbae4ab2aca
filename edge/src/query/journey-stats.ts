// Shape of the journeys: how many touchpoints they take, how conversion varies with that, and how
// many channels they mix. Pure.
import type { ChannelCount, HistogramRow, JourneySummary } from "./api";
import type { Journey } from "./journeys";
import { percentile } from "./percentile";

export const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

export function touchpointHistogram(journeys: Journey[]): HistogramRow[] {
  const rows = new Map<number, HistogramRow>();
  for (const j of journeys) {
    const n = j.touchpoints.length;
    const row = rows.get(n) ?? { touchpoints: n, journeys: 0, conversions: 0, conversionRate: 0 };
    row.journeys++;
    if (j.conversion) row.conversions++;
    rows.set(n, row);
  }
  return [...rows.values()]
    .sort((a, b) => a.touchpoints - b.touchpoints)
    .map((r) => ({ ...r, conversionRate: share(r.conversions, r.journeys) }));
}

/** Share of journeys that used 1, 2, and 3 or more distinct channels. */
export function channelCount(journeys: Journey[]): ChannelCount {
  const counts = [0, 0, 0];
  for (const j of journeys) counts[Math.min(new Set(j.touchpoints.map((t) => t.channel)).size, 3) - 1]++;
  return { "1": share(counts[0], journeys.length), "2": share(counts[1], journeys.length), "3+": share(counts[2], journeys.length) };
}

/** Time to convert runs from a journey's first touchpoint to its conversion. */
export function summarize(journeys: Journey[]): JourneySummary {
  const converted = journeys.filter((j) => j.conversion !== null);
  const touchpoints = journeys.reduce((n, j) => n + j.touchpoints.length, 0);
  return {
    journeys: journeys.length,
    conversions: converted.length,
    conversionRate: share(converted.length, journeys.length),
    avgTouchpointsPerJourney: share(touchpoints, journeys.length),
    medianTimeToConvertMs: percentile(converted.map((j) => j.endTs - j.touchpoints[0].ts), 0.5),
  };
}
