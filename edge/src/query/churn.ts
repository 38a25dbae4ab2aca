// What precedes churn: for each event name, the share of churned people who did it before
// churning, against the share of all people who did it. Lift > 1 marks a warning sign. Pure.
import type { ChurnTouchpoint } from "./api";
import { share } from "./journey-stats";

/** How many people did each name: churned ones before churning, everyone at all. */
export interface ChurnCounts {
  /** People who churned. */
  churned: number;
  /** People active in the range (churned ones included). */
  people: number;
  names: { name: string; churned: number; base: number }[];
}

/**
 * churned: per churned person, the event names they did before churning;
 * base: per person active in the range (churned ones included), the names they did.
 */
export function churnLift(churned: Set<string>[], base: Set<string>[]): ChurnTouchpoint[] {
  const count = (sets: Set<string>[]) => {
    const n = new Map<string, number>();
    for (const s of sets) for (const name of s) n.set(name, (n.get(name) ?? 0) + 1);
    return n;
  };
  const inBase = count(base);
  const names = [...count(churned)].map(([name, n]) => ({ name, churned: n, base: inBase.get(name) ?? 0 }));
  return liftOf({ churned: churned.length, people: base.length, names });
}

/** The lift of every name churned people did, highest first. */
export function liftOf({ churned, people, names }: ChurnCounts): ChurnTouchpoint[] {
  return names
    .filter((n) => n.churned > 0)
    .map(({ name, churned: n, base }) => {
      const churnedShare = share(n, churned);
      const baseShare = share(base, people);
      return { name, churnedShare, baseShare, lift: baseShare === 0 ? 0 : churnedShare / baseShare };
    })
    .sort((a, b) => b.lift - a.lift || b.churnedShare - a.churnedShare || (a.name < b.name ? -1 : 1));
}

/**
 * From each person's first time of each event name: the names churned people did before they
 * first churned, and the names everyone did (the churn event itself left out of both).
 */
export function churnSets(firstTimes: { personId: string; name: string; firstTs: number }[], event: string) {
  const people = new Map<string, Map<string, number>>();
  for (const r of firstTimes) people.set(r.personId, (people.get(r.personId) ?? new Map()).set(r.name, r.firstTs));
  const churned: Set<string>[] = [];
  const base: Set<string>[] = [];
  for (const names of people.values()) {
    const churnTs = names.get(event);
    names.delete(event);
    base.push(new Set(names.keys()));
    if (churnTs !== undefined) churned.push(new Set([...names].filter(([, ts]) => ts < churnTs).map(([name]) => name)));
  }
  return { churned, base };
}
