// Identity stitching: every anonymousId and userId belongs to one person; a message that carries
// both (identify, or any message after it) or an alias links them, merging two people into one.
// Pure: the current graph for the keys involved is an argument, the new graph rows the result.
import type { EnrichedEvent } from "./payload";

export const anonKey = (id: string) => `a:${id}`;
export const userKey = (id: string) => `u:${id}`;

/** The identity an event (and its session) is keyed by: the device's anonymousId, else the userId. */
export function identKeyOf(e: Pick<EnrichedEvent, "anonymousId" | "userId">): string {
  return e.anonymousId !== null ? anonKey(e.anonymousId) : userKey(e.userId!);
}

/** Pairs of identity keys each message says belong to one person. */
export function linksOf(e: EnrichedEvent, knownKeys: (k: string) => boolean): [string, string][] {
  const links: [string, string][] = [];
  if (e.anonymousId !== null && e.userId !== null) links.push([anonKey(e.anonymousId), userKey(e.userId)]);
  if (e.type === "alias" && e.previousId !== null && e.userId !== null) {
    // Segment's alias: previousId is the earlier userId or an anonymousId; link whichever we know.
    const candidates = [userKey(e.previousId), anonKey(e.previousId)].filter(knownKeys);
    for (const k of candidates.length ? candidates : [userKey(e.previousId)]) links.push([k, userKey(e.userId)]);
  }
  return links;
}

export interface StitchResult {
  /** New identity rows: key -> person. */
  added: Map<string, string>;
  /** People merged into another: every identity of `from` now belongs to `to`. */
  merges: { from: string; to: string }[];
}

/**
 * @param known   the stored graph for the keys involved (key -> person)
 * @param keys    every key the batch mentions, in order of first appearance
 * @param links   pairs to join
 * @param newId   person id generator (an argument so tests are deterministic)
 */
export function stitch(known: Map<string, string>, keys: string[], links: [string, string][], newId: () => string): StitchResult {
  // Union-find over people. A stored person survives over a new one (so linking a new id never
  // rewrites stored rows); between two stored people the smaller id wins, so the result is order-free.
  const parent = new Map<string, string>();
  const find = (p: string): string => {
    let r = p;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(p, r);
    return r;
  };
  const personOf = new Map(known);
  const storedPeople = new Set(known.values());
  const before = (a: string, b: string) => (storedPeople.has(a) !== storedPeople.has(b) ? storedPeople.has(a) : a < b);
  const added = new Map<string, string>();
  const ensure = (k: string) => {
    if (!personOf.has(k)) {
      const p = newId();
      personOf.set(k, p);
      added.set(k, p);
    }
    return personOf.get(k)!;
  };
  for (const k of keys) ensure(k);
  for (const [a, b] of links) {
    const pa = find(ensure(a));
    const pb = find(ensure(b));
    if (pa === pb) continue;
    const [keep, drop] = before(pa, pb) ? [pa, pb] : [pb, pa];
    parent.set(drop, keep);
  }
  const merges: { from: string; to: string }[] = [];
  for (const p of storedPeople) {
    const root = find(p);
    if (root !== p) merges.push({ from: p, to: root });
  }
  for (const [k, p] of added) added.set(k, find(p));
  return { added, merges };
}
