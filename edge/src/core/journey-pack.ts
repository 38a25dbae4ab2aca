// A journey as the journeys table keeps it, as few bytes as it takes: the table holds every journey
// of a site's history (read by the hundred thousand, and what one D1 can hold depends on it). Pure.
import type { Conversion, Journey, Touch } from "./journeys";
import { TextWriter } from "./packed-text";
import { packedHead, placeTable, readPackedHead, readStrings, stringTable, type PackedStrings } from "./string-table";

// Version 3, written now: core/packed-text's dense form, "3" then
// - strings (core/string-table packedHead): each channel, source, campaign, country, device once
//   per journey (a value every site repeats as its number in COMMON);
// - places: count, then each as its length and [channel, source?, campaign?, country?, device?] as
//   string numbers + 1 (0 = null; nulls at the end left off), each distinct place once;
// - touchpoints: 0 when the journey's only touchpoint is its conversion (a conversion with no
//   touchpoint of its own stands for one, core/journeys: the answer then shows it with its
//   revenue), else count + 1, then each dt (signed; the first from the row's endTs, its own column,
//   then from the previous touchpoint) and place;
// - conversion: 0 none, 1 without a revenue, 2 with one; then endTs - ts (signed), place, revenue?
// Version 2 (still read) was JSON: [2, strings, places (-1 = null), flat [dt, place...] or null,
// null or [endTs - ts, place, revenue?]]; version 1 (still read) { t: [[ts, channel, source,
// campaign, country, device]...] or null, c: [...that, revenue] or null }. No migration rewrites rows.
type PackedV2 = [2, PackedStrings, number[][], number[] | null, number[] | null];
type PackedTouch = [ts: number, channel: string, source: string | null, campaign: string | null, country: string | null, device: string | null];
type PackedV1 = { t: PackedTouch[] | null; c: [...PackedTouch, revenue: number | null] | null };

export function packJourney(j: Journey): string {
  const { strings, id: str } = stringTable();
  const { places, id: place } = placeTable(str);
  // Entries are written after the strings and places they name, which they are numbered by.
  const entries = new TextWriter();
  const itself = j.conversion !== null && j.touchpoints.length === 1 && j.touchpoints[0] === j.conversion;
  if (itself) entries.uint(0);
  else {
    entries.uint(j.touchpoints.length + 1);
    let last = j.endTs;
    for (const [i, t] of j.touchpoints.entries()) {
      entries.int(i === 0 ? last - t.ts : t.ts - last).uint(place(t));
      last = t.ts;
    }
  }
  const c = j.conversion;
  if (c === null) entries.uint(0);
  else {
    entries.uint(c.revenue === null ? 1 : 2).int(j.endTs - c.ts).uint(place(c));
    if (c.revenue !== null) entries.num(c.revenue);
  }
  return packedHead(strings, places).text() + entries.text();
}

export function unpackJourney(personId: string, endTs: number, text: string): Journey {
  if (text[0] === "3") return unpackV3(personId, endTs, text);
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

function unpackV3(personId: string, endTs: number, text: string): Journey {
  const { r, strings, places: rows } = readPackedHead(text);
  const str = (i = 0) => (i === 0 ? null : strings[i - 1]);
  const places = rows.map(([channel, source, campaign, country, device]): Omit<Touch, "ts"> => ({
    channel: str(channel)!, source: str(source), campaign: str(campaign), country: str(country), device: str(device),
  }));
  let touchpoints: Touch[] | null = null;
  const count = r.uint();
  if (count > 0) {
    touchpoints = [];
    let ts = endTs;
    for (let i = 0; i < count - 1; i++) {
      ts = i === 0 ? endTs - r.int() : ts + r.int();
      touchpoints.push({ ts, ...places[r.uint()] });
    }
  }
  const kind = r.uint();
  let conversion: Conversion | null = null;
  if (kind > 0) {
    const ts = endTs - r.int();
    conversion = { ts, ...places[r.uint()], revenue: kind === 2 ? r.num() : null };
  }
  return { personId, touchpoints: touchpoints ?? (conversion ? [conversion] : []), conversion, endTs };
}

const unpackTouch = ([ts, channel, source, campaign, country, device]: PackedTouch): Touch => ({ ts, channel, source, campaign, country, device });

function unpackV1(personId: string, endTs: number, { t, c }: PackedV1): Journey {
  const conversion: Conversion | null = c ? { ...unpackTouch(c.slice(0, 6) as PackedTouch), revenue: c[6] } : null;
  return { personId, touchpoints: t === null && conversion ? [conversion] : (t ?? []).map(unpackTouch), conversion, endTs };
}
