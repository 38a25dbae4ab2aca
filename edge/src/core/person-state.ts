// A person's journey state: every touchpoint and every named event of theirs, in time order, in a
// compact form kept at write time. Journey answers read this (O(people in range)) instead of the
// raw events of the range (O(events)), and it outlives the raw events, which age out of D1.
// Pure: rows in, state out; state in, text out.
import type { Conversion, Touch } from "./journeys";
import { TextWriter, type TextReader } from "./packed-text";
import { packedHead, placeTable, readPackedHead, readStrings, stringTable, type PackedStrings } from "./string-table";

/** Where an event happened: its own columns (what filters match) and the channel it happened in. */
export interface EventPlace {
  channel: string;
  source: string | null;
  campaign: string | null;
  country: string | null;
  device: string | null;
  /** Its own channel when the sender named one, else its session's (query/load/sql EVENT_CHANNEL). */
  in: string;
}

export interface StateEvent extends EventPlace {
  ts: number;
  /** null for a page or screen view, an identify, an alias: every event is here, named or not. */
  name: string | null;
  stage: string | null;
  revenue: number | null;
}

/** A touchpoint, and whether it opened a session (else: an event that named another channel). */
export interface StateTouch extends Touch {
  session: boolean;
  /**
   * The event that made it (a session's first event, or the event naming another channel): its
   * name, else its type ("page"). What /stalled shows as the last touchpoint once the raw rows are
   * gone. Absent in states packed before it was kept (a rebuild from the archive fills it in).
   */
  event?: string;
}

export interface PersonState {
  touches: StateTouch[];
  events: StateEvent[];
}

export const EMPTY_STATE: PersonState = { touches: [], events: [] };

const byTime = <T extends { ts: number }>(a: T, b: T) => a.ts - b.ts;

/**
 * The state after a recomputation: what was frozen before `agedBefore` (its raw rows are gone from
 * D1, so only the old state knows it) followed by what the raw rows from `agedBefore` on say now.
 * Several old states (people merged into one) fold into one.
 */
export function foldState(olds: PersonState[], fresh: PersonState, agedBefore: number): PersonState {
  const touches = olds.flatMap((s) => s.touches.filter((t) => t.ts < agedBefore));
  const events = olds.flatMap((s) => s.events.filter((e) => e.ts < agedBefore));
  return {
    touches: [...touches.sort(byTime), ...fresh.touches.filter((t) => t.ts >= agedBefore)],
    events: [...events.sort(byTime), ...fresh.events.filter((e) => e.ts >= agedBefore)],
  };
}

/**
 * Folds events that arrived after their time was frozen (older than the horizon: the raw rows
 * around them may be gone) into a state. A redelivered one is already there and is not added
 * twice: a state keeps no message ids, so an entry equal in every field counts as the same.
 */
export function withLate(state: PersonState, late: PersonState[]): PersonState {
  if (late.length === 0) return state;
  const touchKey = (t: StateTouch) => JSON.stringify([t.ts, t.channel, t.source, t.campaign, t.country, t.device, t.session]);
  const eventKey = (e: StateEvent) => JSON.stringify([e.ts, e.name, e.stage, e.revenue, e.channel, e.source, e.campaign, e.country, e.device, e.in]);
  const haveTouches = new Set(state.touches.map(touchKey));
  const haveEvents = new Set(state.events.map(eventKey));
  const touches = late.flatMap((s) => s.touches).filter((t) => !haveTouches.has(touchKey(t)) && haveTouches.add(touchKey(t)));
  const events = late.flatMap((s) => s.events).filter((e) => !haveEvents.has(eventKey(e)) && haveEvents.add(eventKey(e)));
  // Stable: among equal times the entries already there stay first, as the raw rows' order had them.
  return { touches: [...state.touches, ...touches].sort(byTime), events: [...state.events, ...events].sort(byTime) };
}

// The text form. Strings are numbered once per person (a person's events repeat a few names and
// places), times are deltas from the previous entry, and a place is one number. Version 3, written
// now, is core/packed-text's dense form: "3", then
//   strings and places (core/string-table packedHead), a place [channel, source, campaign, country,
//     device, in?] with nulls at the end left off, `in` left off when it is the channel;
//   touchpoints: count, then each dt (signed), kind = place * 4 + 1 when not a session start + 2
//     when the event that made it follows, event?;
//   events: count, then each dt (signed; the first from the first touchpoint), name + 1 (0 = none),
//     kind = place * 4 + 1 when a stage follows + 2 when a revenue follows, stage?, revenue?
// Some 10 bytes an event where version 2 took some 20 and the raw row and its indexes some 650.
// Versions 1 and 2 (rows written before, still read; no migration rewrites them) are JSON:
// version 2 { v: 2, s: [strings, or numbers of COMMON values], p: [places as above, -1 = null],
//   t: flat [dt, kind, event?...], e: flat [dt, name or -1, kind, stage?, revenue?...] };
// version 1 the same strings and places with every place column written, and one array per entry:
//   t [[dt, place, 1 when not a session start (0 when only the event follows)?, event?]...],
//   e [[dt, name or -1, place, stage?, revenue?]...].
interface PackedV1 {
  v: 1;
  s: string[];
  p: number[][];
  t: number[][];
  e: (number | null)[][];
}

interface PackedV2 {
  v: 2;
  s: PackedStrings;
  p: number[][];
  t: number[];
  e: (number | null)[];
}

export function packState(state: PersonState): string {
  const { strings, id: str } = stringTable();
  const { places, id: place } = placeTable(str);
  // Entries are written after the strings and places they name, which they are numbered by.
  const entries = new TextWriter();
  let last = 0;
  entries.uint(state.touches.length);
  for (const x of state.touches) {
    entries.int(x.ts - last).uint(place(x, x.channel) * 4 + (x.session ? 0 : 1) + (x.event === undefined ? 0 : 2));
    if (x.event !== undefined) entries.uint(str(x.event));
    last = x.ts;
  }
  // Events count from the first touchpoint (a person's first event is usually it): one full time a state.
  last = state.touches[0]?.ts ?? 0;
  entries.uint(state.events.length);
  for (const x of state.events) {
    entries.int(x.ts - last).uint(str(x.name) + 1).uint(place(x, x.in) * 4 + (x.stage === null ? 0 : 1) + (x.revenue === null ? 0 : 2));
    if (x.stage !== null) entries.uint(str(x.stage));
    if (x.revenue !== null) entries.num(x.revenue);
    last = x.ts;
  }
  return packedHead(strings, places).text() + entries.text();
}

export function unpackState(text: string): PersonState {
  if (text[0] === "3") return unpackV3(text);
  const packed = JSON.parse(text) as PackedV1 | PackedV2;
  const { p } = packed;
  const s = packed.v === 1 ? packed.s : readStrings(packed.s);
  const str = (i: number | null | undefined) => (i === null || i === undefined || i < 0 ? null : s[i]);
  const placeOf = (i: number) => {
    const [channel, source, campaign, country, device, inChannel] = p[i];
    return { channel: s[channel], source: str(source), campaign: str(campaign), country: str(country), device: str(device), in: s[inChannel ?? channel] };
  };
  if (packed.v === 1) return unpackV1(packed, str, placeOf);
  const touches: StateTouch[] = [];
  const { t, e } = packed;
  let ts = 0;
  for (let i = 0; i < t.length; ) {
    ts += t[i];
    const kind = t[i + 1];
    i += 2;
    const { in: _, ...where } = placeOf(kind >> 2);
    const touch: StateTouch = { ts, ...where, session: (kind & 1) === 0 };
    if (kind & 2) touch.event = s[t[i++]];
    touches.push(touch);
  }
  const events: StateEvent[] = [];
  ts = touches[0]?.ts ?? 0;
  for (let i = 0; i < e.length; ) {
    ts += e[i]!;
    const name = str(e[i + 1]);
    const kind = e[i + 2]!;
    i += 3;
    const stage = kind & 1 ? str(e[i++]) : null;
    const revenue = kind & 2 ? e[i++] : null;
    events.push({ ts, name, ...placeOf(kind >> 2), stage, revenue });
  }
  return { touches, events };
}

function unpackV3(text: string): PersonState {
  const { r, s, places } = readV3Head(text);
  const str = (i = 0) => (i === 0 ? null : s[i - 1]);
  const touches = readTouches(r, s, places);
  const events: StateEvent[] = [];
  let ts = touches[0]?.ts ?? 0;
  for (let n = r.uint(); n > 0; n--) {
    ts += r.int();
    const name = str(r.uint());
    const kind = r.uint();
    const stage = kind & 1 ? s[r.uint()] : null;
    const revenue = kind & 2 ? r.num() : null;
    events.push({ ts, name, ...places[kind >> 2], stage, revenue });
  }
  return { touches, events };
}

/** The touchpoints of a version 3 text, its reader then left at the first event. */
function readTouches(r: TextReader, s: string[], places: EventPlace[]): StateTouch[] {
  const touches: StateTouch[] = [];
  let ts = 0;
  for (let n = r.uint(); n > 0; n--) {
    ts += r.int();
    const kind = r.uint();
    const { in: _, ...where } = places[kind >> 2];
    const touch: StateTouch = { ts, ...where, session: (kind & 1) === 0 };
    if (kind & 2) touch.event = s[r.uint()];
    touches.push(touch);
  }
  return touches;
}

/** A version 3 text's strings and places, and its reader left at the first touchpoint. */
function readV3Head(text: string) {
  const { r, strings: s, places: rows } = readPackedHead(text);
  const str = (i = 0) => (i === 0 ? null : s[i - 1]);
  const places = rows.map(([channel, source, campaign, country, device, inChannel]): EventPlace => ({
    channel: str(channel)!, source: str(source), campaign: str(campaign), country: str(country), device: str(device), in: str(inChannel ?? channel)!,
  }));
  return { r, s, places };
}

// Partial reads: what the funnel, /paths and /stalled read of everyone in a range. unpackState
// makes an object of every touchpoint and event, which at 1M events cost more than the reading;
// these walk a version 3 text and build only what is asked for (older JSON rows: unpackState).

/** A named event of a state, as the funnel reads it. */
export interface NamedStateEvent extends EventPlace {
  ts: number;
  name: string;
}

/** A state's named events (only those of `names`, when given) and its first touchpoint: the entries unpackState gives. */
export function namedEventsOfPacked(text: string, names: ReadonlySet<string> | null): { first: { ts: number; channel: string } | null; events: NamedStateEvent[] } {
  const keep = (name: string | null): name is string => name !== null && (names === null || names.has(name));
  if (text[0] !== "3") {
    const { touches, events } = unpackState(text);
    return {
      first: touches[0] ? { ts: touches[0].ts, channel: touches[0].channel } : null,
      events: events.flatMap(({ stage: _, revenue: __, ...e }) => (keep(e.name) ? [{ ...e, name: e.name }] : [])),
    };
  }
  const { r, s, places } = readV3Head(text);
  const [touch] = readTouches(r, s, places);
  const first = touch ? { ts: touch.ts, channel: touch.channel } : null;
  const events: NamedStateEvent[] = [];
  let ts = first?.ts ?? 0;
  for (let n = r.uint(); n > 0; n--) {
    ts += r.int();
    const name = r.uint();
    const kind = r.uint();
    if (kind & 1) r.uint();
    if (kind & 2) r.num();
    if (name !== 0 && keep(s[name - 1])) events.push({ ts, name: s[name - 1], ...places[kind >> 2] });
  }
  return { first, events };
}

/** A state's staged events up to `to`, in time order. */
export function stagesOfPacked(text: string, to: number): { ts: number; stage: string }[] {
  if (text[0] !== "3") return unpackState(text).events.flatMap((e) => (e.stage !== null && e.ts <= to ? [{ ts: e.ts, stage: e.stage }] : []));
  const { r, s, places } = readV3Head(text);
  const out: { ts: number; stage: string }[] = [];
  let ts = readTouches(r, s, places)[0]?.ts ?? 0;
  for (let n = r.uint(); n > 0; n--) {
    ts += r.int();
    r.uint();
    const kind = r.uint();
    if (kind & 1) {
      const stage = s[r.uint()];
      if (ts <= to) out.push({ ts, stage });
    }
    if (kind & 2) r.num();
  }
  return out;
}

/** A state's touchpoints, its events left unread. */
export function touchesOfPacked(text: string): StateTouch[] {
  if (text[0] !== "3") return unpackState(text).touches;
  const { r, s, places } = readV3Head(text);
  return readTouches(r, s, places);
}

function unpackV1({ s, t, e }: PackedV1, str: (i: number | null | undefined) => string | null, placeOf: (i: number) => EventPlace): PersonState {
  let ts = 0;
  const touches = t.map(([dt, pl, notSession, event]): StateTouch => {
    ts += dt;
    const { in: _, ...where } = placeOf(pl);
    const touch: StateTouch = { ts, ...where, session: notSession !== 1 };
    if (event !== undefined) touch.event = s[event];
    return touch;
  });
  ts = 0;
  const events = e.map(([dt, name, pl, stage, revenue]) => {
    ts += dt!;
    return { ts, name: str(name), ...placeOf(pl!), stage: str(stage), revenue: revenue ?? null };
  });
  return { touches, events };
}

/** A person's conversions of one event name, as journeys take them. */
export const conversionsOf = (events: StateEvent[], name: string): Conversion[] =>
  events.filter((e) => e.name === name).map(({ ts, channel, source, campaign, country, device, revenue }) => ({ ts, channel, source, campaign, country, device, revenue }));

/** The time span a state covers (null when empty): what selects the people of a range. */
export function stateSpan(state: PersonState): { first: number; last: number } | null {
  const times = [state.touches[0]?.ts, state.touches.at(-1)?.ts, state.events[0]?.ts, state.events.at(-1)?.ts].filter((x): x is number => x !== undefined);
  return times.length ? { first: Math.min(...times), last: Math.max(...times) } : null;
}

/** The person's stage now: the stage of their latest staged event. */
export function latestStage(state: PersonState): { stage: string; ts: number } | null {
  for (let i = state.events.length - 1; i >= 0; i--) {
    const e = state.events[i];
    if (e.stage !== null) return { stage: e.stage, ts: e.ts };
  }
  return null;
}
