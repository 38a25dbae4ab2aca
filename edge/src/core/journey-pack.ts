// A journey as the journeys table keeps it: arrays, not objects, since a range's journeys are
// read by the hundred thousand. Pure.
import type { Conversion, Journey, Touch } from "./journeys";

type PackedTouch = [ts: number, channel: string, source: string | null, campaign: string | null, country: string | null, device: string | null];
// `t` is null when the journey's only touchpoint is its conversion (a conversion with no touchpoint
// of its own stands for one, core/journeys): the answer then shows it with its revenue.
type PackedJourney = { t: PackedTouch[] | null; c: [...PackedTouch, revenue: number | null] | null };

const packTouch = (t: Touch): PackedTouch => [t.ts, t.channel, t.source, t.campaign, t.country, t.device];
const unpackTouch = ([ts, channel, source, campaign, country, device]: PackedTouch): Touch => ({ ts, channel, source, campaign, country, device });

export function packJourney(j: Journey): string {
  const itself = j.conversion !== null && j.touchpoints.length === 1 && j.touchpoints[0] === j.conversion;
  const packed: PackedJourney = { t: itself ? null : j.touchpoints.map(packTouch), c: j.conversion ? [...packTouch(j.conversion), j.conversion.revenue] : null };
  return JSON.stringify(packed);
}

export function unpackJourney(personId: string, endTs: number, text: string): Journey {
  const { t, c } = JSON.parse(text) as PackedJourney;
  const conversion: Conversion | null = c ? { ...unpackTouch(c.slice(0, 6) as PackedTouch), revenue: c[6] } : null;
  return { personId, touchpoints: t === null && conversion ? [conversion] : (t ?? []).map(unpackTouch), conversion, endTs };
}
