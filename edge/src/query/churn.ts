// What precedes churn: for each event name, the share of churned people who did it before
// churning, against the share of all people who did it. Lift > 1 marks a warning sign. Pure.
import { share } from "./journey-stats";

export interface ChurnRow {
  name: string;
  churnedShare: number;
  baseShare: number;
  lift: number;
}

/**
 * churned: per churned person, the event names they did before churning;
 * base: per person active in the range (churned ones included), the names they did.
 */
export function churnLift(churned: Set<string>[], base: Set<string>[]): ChurnRow[] {
  const count = (sets: Set<string>[]) => {
    const n = new Map<string, number>();
    for (const s of sets) for (const name of s) n.set(name, (n.get(name) ?? 0) + 1);
    return n;
  };
  const inChurned = count(churned);
  const inBase = count(base);
  return [...inChurned]
    .map(([name, n]) => {
      const churnedShare = share(n, churned.length);
      const baseShare = share(inBase.get(name) ?? 0, base.length);
      return { name, churnedShare, baseShare, lift: baseShare === 0 ? 0 : churnedShare / baseShare };
    })
    .sort((a, b) => b.lift - a.lift || b.churnedShare - a.churnedShare || (a.name < b.name ? -1 : 1));
}
