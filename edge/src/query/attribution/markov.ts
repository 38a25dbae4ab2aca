// First-order Markov attribution by removal effect, solved exactly: the probability of reaching
// (conversion) from (start) is the solution of the absorbing chain's linear system
// (I - Q) x = b, b_s = P(s -> conversion), not a Monte Carlo estimate.
import { newCredits, type AttributionJourney, type Credits } from "./types";

/** One distinct path of groups, with how many journeys along it converted and how many did not. */
export interface PathCount {
  path: string[];
  conversions: number;
  nulls: number;
}

/** Consecutive repeats of a group collapse into one state (email, email, web -> email, web). */
export function collapseRepeats(path: string[]): string[] {
  return path.filter((key, i) => i === 0 || key !== path[i - 1]);
}

export function pathCounts(journeys: AttributionJourney[]): PathCount[] {
  const byPath = new Map<string, PathCount>();
  for (const j of journeys) {
    if (j.steps.length === 0) continue;
    const path = collapseRepeats(j.steps.map((s) => s.key));
    const id = JSON.stringify(path);
    const entry = byPath.get(id) ?? { path, conversions: 0, nulls: 0 };
    if (j.converted) entry.conversions += j.weight ?? 1;
    else entry.nulls += j.weight ?? 1;
    byPath.set(id, entry);
  }
  return [...byPath.values()];
}

/** Transition counts between transient states: 0 is (start), then one state per group. */
interface Chain {
  groups: string[];
  /** counts[s][t] for transient t; conv[s] and total[s] alongside. */
  counts: number[][];
  conv: number[];
  total: number[];
}

function buildChain(paths: PathCount[]): Chain {
  const groups = [...new Set(paths.flatMap((p) => p.path))];
  const index = new Map(groups.map((g, i) => [g, i + 1]));
  const n = groups.length + 1;
  const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const conv = new Array<number>(n).fill(0);
  const total = new Array<number>(n).fill(0);
  for (const { path, conversions, nulls } of paths) {
    const journeys = conversions + nulls;
    let from = 0;
    for (const key of path) {
      const to = index.get(key)!;
      counts[from][to] += journeys;
      total[from] += journeys;
      from = to;
    }
    conv[from] += conversions;
    total[from] += journeys;
  }
  return { groups, counts, conv, total };
}

/** Inverse by Gauss-Jordan elimination with partial pivoting. */
export function invert(m: number[][]): number[][] {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    const p = a[col][col];
    for (let c = 0; c < 2 * n; c++) a[col][c] /= p;
    for (let r = 0; r < n; r++) {
      const f = a[r][col];
      if (r === col || f === 0) continue;
      for (let c = 0; c < 2 * n; c++) a[r][c] -= f * a[col][c];
    }
  }
  return a.map((row) => row.slice(n));
}

export interface RemovalEffects {
  conversionProbability: number;
  effects: Record<string, number>;
}

/**
 * RE_c = 1 - P(conversion without c) / P(conversion), for every group seen.
 *
 * With N = (I - Q)^-1 the fundamental matrix and x = N b the conversion probability from each
 * state, the chain with c removed converts from (start) with x_0 - N_0c x_c / N_cc (N_0c / N_cc is
 * the probability of ever reaching c; a rank-one update, Sherman-Morrison). So one inversion serves
 * every removal: O(n^3) in all rather than one solve per group, O(n^4), which hundreds of campaigns
 * would make a matter of minutes.
 */
export function removalEffects(paths: PathCount[]): RemovalEffects {
  const { groups, counts, conv, total } = buildChain(paths);
  const n = groups.length + 1;
  // I - Q; a state never left (none here, every path ends) would keep its identity row.
  const a = counts.map((row, s) => row.map((count, t) => (s === t ? 1 : 0) - (total[s] > 0 ? count / total[s] : 0)));
  const b = conv.map((c, s) => (total[s] > 0 ? c / total[s] : 0));
  const fundamental = invert(a);
  const x = fundamental.map((row) => row.reduce((sum, v, t) => sum + v * b[t], 0));
  const p = x[0];
  const effects: Record<string, number> = Object.create(null);
  for (let c = 1; c < n; c++) effects[groups[c - 1]] = p > 0 ? (fundamental[0][c] * x[c]) / fundamental[c][c] / p : 0;
  return { conversionProbability: p, effects };
}

/** credit_c = RE_c / ΣRE × total (conversions, or revenue). */
export function markovCredits(journeys: AttributionJourney[], total: number): Credits {
  const { effects } = removalEffects(pathCounts(journeys));
  const sum = Object.values(effects).reduce((a, b) => a + b, 0);
  const credits: Credits = newCredits();
  if (sum <= 0) return credits;
  for (const [g, re] of Object.entries(effects)) credits[g] = (re / sum) * total;
  return credits;
}
