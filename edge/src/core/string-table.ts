// The strings of one packed row (a person's state, a journey), each written once and then named by
// its number. Values every site repeats (the channels ingest assigns, devices, event types, the
// SDK's own event names) are written as their number in COMMON instead: a row's string list then
// holds a one- or two-digit number where "organic_search" took 16 bytes. Pure.
import { TextReader, TextWriter } from "./packed-text";

/**
 * Append only: stored rows name these by position, so an entry is never removed, moved or changed
 * (a value missing here is simply written out in full).
 */
export const COMMON: readonly string[] = [
  "direct", "organic_search", "paid_search", "social", "paid_social", "email", "referral", "display", "affiliate", "video",
  "audio", "sms", "mobile_push", "paid_other", "web", "app", "phone", "chat", "store", "whatsapp",
  "desktop", "mobile", "tablet", "page", "screen", "identify", "alias", "group", "track", "web_vital",
  "feedback", "purchase", "google", "google.com", "bing", "bing.com", "facebook", "instagram", "linkedin", "twitter",
  "tiktok", "youtube", "newsletter", "cpc", "organic", "brand", "generic", "retargeting",
];
const COMMON_IDS = new Map(COMMON.map((s, i) => [s, i]));

/** A row's string list as written: a string, or the number of a COMMON value. */
export type PackedStrings = (string | number)[];

/** Numbers strings as a row is written: `id(s)` gives the string's number in `strings` (-1: null). */
export function stringTable() {
  const strings: PackedStrings = [];
  const ids = new Map<string, number>();
  const id = (s: string | null): number => {
    if (s === null) return -1;
    let n = ids.get(s);
    if (n === undefined) ids.set(s, (n = strings.push(COMMON_IDS.get(s) ?? s) - 1));
    return n;
  };
  return { strings, id };
}

/** A row's string list as read back. */
export const readStrings = (packed: PackedStrings): string[] => packed.map((s) => (typeof s === "number" ? COMMON[s] : s));

/** Where a touchpoint or event happened, as a packed row names it. */
export interface PlaceColumns {
  channel: string;
  source: string | null;
  campaign: string | null;
  country: string | null;
  device: string | null;
}

/**
 * Numbers places as a row is written: [channel, source, campaign, country, device] as string
 * numbers from `str`, each distinct place once. Trailing nulls are left off, unless an `inChannel`
 * other than the place's own follows as a sixth column (a person state's session channel).
 */
export function placeTable(str: (s: string | null) => number) {
  const places: number[][] = [];
  const ids = new Map<string, number>();
  const id = (p: PlaceColumns, inChannel: string = p.channel): number => {
    const row = [str(p.channel), str(p.source), str(p.campaign), str(p.country), str(p.device)];
    if (inChannel !== p.channel) row.push(str(inChannel));
    else while (row.length > 1 && row[row.length - 1] === -1) row.pop();
    const key = row.join(",");
    let n = ids.get(key);
    if (n === undefined) ids.set(key, (n = places.push(row) - 1));
    return n;
  };
  return { places, id };
}

/**
 * The start of a version 3 row (core/packed-text): "3", its strings, then its places (rows of
 * string numbers, -1 = null) as their count, then each as its length and its numbers + 1.
 */
export function packedHead(strings: PackedStrings, places: number[][]): TextWriter {
  const w = new TextWriter().raw("3");
  writeStrings(w, strings);
  w.uint(places.length);
  for (const row of places) {
    w.uint(row.length);
    for (const n of row) w.uint(n + 1);
  }
  return w;
}

/** Reads what packedHead wrote: the strings, and the places as string numbers + 1 (0 = null). */
export function readPackedHead(text: string): { r: TextReader; strings: string[]; places: number[][] } {
  const r = new TextReader(text, 1);
  const strings = readStringsFrom(r);
  const places = Array.from({ length: r.uint() }, () => Array.from({ length: r.uint() }, () => r.uint()));
  return { r, strings, places };
}

/** A row's string list in the dense text form (core/packed-text): a COMMON value as 2n, a string of its own as 2 * length + 1 and its characters. */
function writeStrings(w: TextWriter, packed: PackedStrings): void {
  w.uint(packed.length);
  for (const s of packed) {
    if (typeof s === "number") w.uint(2 * s);
    else w.uint(2 * s.length + 1).raw(s);
  }
}

function readStringsFrom(r: TextReader): string[] {
  const out: string[] = [];
  for (let n = r.uint(); n > 0; n--) {
    const x = r.uint();
    out.push(x % 2 ? r.raw((x - 1) / 2) : COMMON[x / 2]);
  }
  return out;
}
