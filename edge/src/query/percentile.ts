/**
 * The p-th percentile (0..1) by linear interpolation between closest ranks (numpy's default,
 * Hyndman & Fan type 7); null for no values. Sorts a copy.
 */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}
