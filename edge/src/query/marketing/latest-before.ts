/** The latest entry strictly before `ts` in a time-ordered list (the moment itself is not its own past). */
export function latestBefore<T extends { ts: number }>(list: T[] | undefined, ts: number): T | undefined {
  let found: T | undefined;
  for (const x of list ?? []) {
    if (x.ts >= ts) break;
    found = x;
  }
  return found;
}
