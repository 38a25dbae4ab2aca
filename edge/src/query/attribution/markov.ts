// First-order Markov attribution by removal effect, solved exactly: the probability of reaching
// (conversion) from (start) is the solution of the absorbing chain's linear system
// (I - Q) x = b, b_s = P(s -> conversion), not a Monte Carlo estimate.
import type { AttributionJourney, Credits } from "./types";

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
    if (j.converted) entry.conversions++;
    else entry.nulls++;
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

/** P(start reaches conversion), with one state optionally removed (its visits end in null). */
function conversionProbability(chain: Chain, removed = -1): number {
  const n = chain.total.length;
  // Augmented rows of (I - Q | b); a removed or never-left state is fixed at x = 0.
  const a = chain.counts.map((row, s) => {
    const r = new Array<number>(n + 1).fill(0);
    r[s] = 1;
    if (s === removed || chain.total[s] === 0) return r;
    for (let t = 0; t < n; t++) r[t] -= row[t] / chain.total[s];
    r[n] = chain.conv[s] / chain.total[s];
    return r;
  });
  return solve(a)[0];
}

/** Gaussian elimination with partial pivoting on an augmented n x (n+1) matrix. */
export function solve(a: number[][]): number[] {
  const n = a.length;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = 0; r < n; r++) {
      if (r === col || a[r][col] === 0) continue;
      const f = a[r][col] / a[col][col];
      for (let c = col; c <= n; c++) a[r][c] -= f * a[col][c];
    }
  }
  return a.map((row, i) => row[n] / row[i]);
}

export interface RemovalEffects {
  conversionProbability: number;
  effects: Record<string, number>;
}

/** RE_c = 1 - P(conversion without c) / P(conversion), for every group seen. */
export function removalEffects(paths: PathCount[]): RemovalEffects {
  const chain = buildChain(paths);
  const p = conversionProbability(chain);
  const effects: Record<string, number> = {};
  chain.groups.forEach((g, i) => {
    effects[g] = p > 0 ? 1 - conversionProbability(chain, i + 1) / p : 0;
  });
  return { conversionProbability: p, effects };
}

/** credit_c = RE_c / ΣRE × total (conversions, or revenue). */
export function markovCredits(journeys: AttributionJourney[], total: number): Credits {
  const { effects } = removalEffects(pathCounts(journeys));
  const sum = Object.values(effects).reduce((a, b) => a + b, 0);
  const credits: Credits = {};
  if (sum <= 0) return credits;
  for (const [g, re] of Object.entries(effects)) credits[g] = (re / sum) * total;
  return credits;
}
