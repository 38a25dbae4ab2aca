// Shapley attribution as API.md defines it: r(T) = value / journeys whose channel set is exactly T,
// v(S) = Σ r(T) over non-empty T ⊆ S, and each group's Shapley value of v, normalised to the total.
import { newCredits, type AttributionJourney, type Credits } from "./types";

/** Exact computation enumerates 2^n coalitions, so past this many groups the smallest fold. */
export const SHAPLEY_MAX_GROUPS = 16;
export const OTHER = "other";

/** Shapley values of a game given by its worths, worth[mask] for the coalition whose bits are set. */
export function shapleyValues(n: number, worth: ArrayLike<number>): number[] {
  const factorial = [1];
  for (let i = 1; i <= n; i++) factorial[i] = factorial[i - 1] * i;
  // The weight of a coalition of size s joined by one more player: s! (n - s - 1)! / n!
  const weight = Array.from({ length: n }, (_, s) => (factorial[s] * factorial[n - s - 1]) / factorial[n]);
  const phi = new Array<number>(n).fill(0);
  const size = new Uint8Array(1 << n);
  for (let mask = 1; mask < 1 << n; mask++) size[mask] = size[mask >> 1] + (mask & 1);
  for (let mask = 0; mask < 1 << n; mask++) {
    for (let i = 0; i < n; i++) {
      if (mask & (1 << i)) continue;
      phi[i] += weight[size[mask]] * (worth[mask | (1 << i)] - worth[mask]);
    }
  }
  return phi;
}

/** The groups that play: all of them, or the largest (by journeys met) and `other` for the rest. */
function players(journeys: AttributionJourney[]): { index: Map<string, number>; names: string[] } {
  const reach = new Map<string, number>();
  for (const j of journeys) for (const key of new Set(j.steps.map((s) => s.key))) reach.set(key, (reach.get(key) ?? 0) + (j.weight ?? 1));
  const ranked = [...reach.keys()].sort((a, b) => reach.get(b)! - reach.get(a)! || (a < b ? -1 : 1));
  if (ranked.length <= SHAPLEY_MAX_GROUPS) return { index: new Map(ranked.map((k, i) => [k, i])), names: ranked };
  const names = [...ranked.slice(0, SHAPLEY_MAX_GROUPS - 1), OTHER];
  const index = new Map(ranked.map((k, i) => [k, Math.min(i, SHAPLEY_MAX_GROUPS - 1)]));
  return { index, names };
}

export function shapleyCredits(journeys: AttributionJourney[], total: number): Credits {
  const { index, names } = players(journeys);
  const n = names.length;
  const value = new Float64Array(1 << n);
  const seen = new Float64Array(1 << n);
  for (const j of journeys) {
    let mask = 0;
    for (const s of j.steps) mask |= 1 << index.get(s.key)!;
    if (mask === 0) continue;
    seen[mask] += j.weight ?? 1;
    if (j.converted) value[mask] += j.value;
  }
  // v starts as r(T), then a subset-sum (zeta) transform turns it into v(S) = Σ_{T⊆S} r(T).
  const v = value.map((x, mask) => (seen[mask] > 0 ? x / seen[mask] : 0));
  for (let i = 0; i < n; i++) for (let mask = 0; mask < 1 << n; mask++) if (mask & (1 << i)) v[mask] += v[mask ^ (1 << i)];
  const phi = shapleyValues(n, v);
  const sum = phi.reduce((a, b) => a + b, 0);
  const credits: Credits = newCredits();
  if (sum <= 0) return credits;
  phi.forEach((x, i) => (credits[names[i]] = (x / sum) * total));
  return credits;
}
