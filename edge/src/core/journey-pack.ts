// A journey as the journeys table keeps it, as few bytes as it takes: the table holds every journey
// of a site's history (read by the hundred thousand, and what one D1 can hold depends on it). Pure.
import type { Conversion, Journey, Touch } from "./journeys";
import { placeTable, readStrings, stringTable, type PackedStrings } from "./string-table";

// Version 2: [2, strings, places, times, conversion]
// - strings: each channel, source, campaign, country, device once per journey (a value every site
//   repeats as its number in core/string-table COMMON);
// - places: [channel, source?, campaign?, country?, device?] as string numbers (-1 or left off at
//   the end: null), each distinct place once;
// - times: flat [dt, place, dt, place...] for the touchpoints, the first dt from the row's endTs
//   (its own column, so a journey's times are small numbers), then from the previous touchpoint;
//   null when the journey's only touchpoint is its conversion (a conversion with no touchpoint of
//   its own stands for one, core/journeys: the answer then shows it with its revenue);
// - conversion: null, or [endTs - ts, place, revenue?] (revenue left off: null).
type PackedV2 = [2, PackedStrings, number[][], number[] | null, number[] | null];

// Version 1, still read: rows written before version 2 (no migration rewrites them).
type PackedTouch = [ts: number, channel: string, source: string | null, campaign: string | null, country: string | null, device: string | null];
type PackedV1 = { t: PackedTouch[] | null; c: [...PackedTouch, revenue: number | null] | null };

export function packJourney(j: Journey): string {
  const { strings, id: str } = stringTable();
  const { places, id: place } = placeTable(str);
  const itself = j.conversion !== null && j.touchpoints.length === 1 && j.touchpoints[0] === j.conversion;
  let times: number[] | null = null;
  if (!itself) {
    times = [];
    let last = j.endTs;
    for (const [i, t] of j.touchpoints.entries()) {
      times.push(i === 0 ? last - t.ts : t.ts - last, place(t));
      last = t.ts;
    }
  }
  let conversion: number[] | null = null;
  if (j.conversion) {
    conversion = [j.endTs - j.conversion.ts, place(j.conversion)];
    if (j.conversion.revenue !== null) conversion.push(j.conversion.revenue);
  }
  const packed: PackedV2 = [2, strings, places, times, conversion];
  return JSON.stringify(packed);
}

export function unpackJourney(personId: string, endTs: number, text: string): Journey {
  const packed = JSON.parse(text) as PackedV2 | PackedV1;
  return Array.isArray(packed) ? unpackV2(personId, endTs, packed) : unpackV1(personId, endTs, packed);
}

function unpackV2(personId: string, endTs: number, [, packedStrings, places, times, c]: PackedV2): Journey {
  const strings = readStrings(packedStrings);
  const str = (i: number | undefined) => (i === undefined || i < 0 ? null : strings[i]);
  const touchAt = (ts: number, p: number): Touch => {
    const [channel, source, campaign, country, device] = places[p];
    return { ts, channel: strings[channel], source: str(source), campaign: str(campaign), country: str(country), device: str(device) };
  };
  const conversion: Conversion | null = c ? { ...touchAt(endTs - c[0], c[1]), revenue: c.length > 2 ? c[2] : null } : null;
  if (times === null) return { personId, touchpoints: conversion ? [conversion] : [], conversion, endTs };
  const touchpoints: Touch[] = [];
  let ts = endTs;
  for (let i = 0; i < times.length; i += 2) {
    ts = i === 0 ? endTs - times[0] : ts + times[i];
    touchpoints.push(touchAt(ts, times[i + 1]));
  }
  return { personId, touchpoints, conversion, endTs };
}

const unpackTouch = ([ts, channel, source, campaign, country, device]: PackedTouch): Touch => ({ ts, channel, source, campaign, country, device });

function unpackV1(personId: string, endTs: number, { t, c }: PackedV1): Journey {
  const conversion: Conversion | null = c ? { ...unpackTouch(c.slice(0, 6) as PackedTouch), revenue: c[6] } : null;
  return { personId, touchpoints: t === null && conversion ? [conversion] : (t ?? []).map(unpackTouch), conversion, endTs };
}
