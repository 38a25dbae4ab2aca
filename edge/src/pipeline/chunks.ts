// Rows travel to D1 as one JSON parameter per statement (expanded by json_each): this many per
// statement keeps each bound JSON well under D1's 2 MB value cap.
export const CHUNK = 400;

export function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}
