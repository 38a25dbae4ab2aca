// Shape of the journeys: how many touchpoints they take, how conversion varies with that, and how
// many channels they mix. Pure. Each reads journeys as channel sequences with a weight, so the
// same code answers from the journeys themselves and from the day digests (journey-digest.ts).
import type { ChannelCount, HistogramRow, JourneySummary } from "./api";
import type { Journey } from "./journeys";
import type { PathJourney } from "./paths";
import { percentile } from "./percentile";

export const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

export const pathJourneyOf = (j: Journey): PathJourney => ({ channels: j.touchpoints.map((t) => t.channel), converted: j.conversion !== null });

/** Time to convert runs from a journey's first touchpoint to its conversion. */
export const timesToConvert = (journeys: Journey[]): number[] =>
  journeys.filter((j) => j.conversion !== null).map((j) => j.endTs - j.touchpoints[0].ts);

export function touchpointHistogram(journeys: PathJourney[]): HistogramRow[] {
  const rows = new Map<number, HistogramRow>();
  for (const { channels, converted, weight = 1 } of journeys) {
    const n = channels.length;
    const row = rows.get(n) ?? { touchpoints: n, journeys: 0, conversions: 0, conversionRate: 0 };
    row.journeys += weight;
    if (converted) row.conversions += weight;
    rows.set(n, row);
  }
  return [...rows.values()]
    .sort((a, b) => a.touchpoints - b.touchpoints)
    .map((r) => ({ ...r, conversionRate: share(r.conversions, r.journeys) }));
}

/** Share of journeys that used 1, 2, and 3 or more distinct channels. */
export function channelCount(journeys: PathJourney[]): ChannelCount {
  const counts = [0, 0, 0];
  let all = 0;
  for (const { channels, weight = 1 } of journeys) {
    counts[Math.min(new Set(channels).size, 3) - 1] += weight;
    all += weight;
  }
  return { "1": share(counts[0], all), "2": share(counts[1], all), "3+": share(counts[2], all) };
}

export function summaryOf(journeys: PathJourney[], convertMs: number[]): JourneySummary {
  let all = 0;
  let converted = 0;
  let touchpoints = 0;
  for (const j of journeys) {
    const weight = j.weight ?? 1;
    all += weight;
    if (j.converted) converted += weight;
    touchpoints += j.channels.length * weight;
  }
  return {
    journeys: all,
    conversions: converted,
    conversionRate: share(converted, all),
    avgTouchpointsPerJourney: share(touchpoints, all),
    medianTimeToConvertMs: percentile(convertMs, 0.5),
  };
}

export const summarize = (journeys: Journey[]): JourneySummary => summaryOf(journeys.map(pathJourneyOf), timesToConvert(journeys));
