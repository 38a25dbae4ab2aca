// Bounded waits. In workerd a request that only awaits a promise another request will settle has
// no pending event of its own, and the runtime cancels it as hung ("your Worker's code had hung");
// a pending timer is such an event, so every cross-request wait in ingest goes through these.

/** Rejects with `message` if `p` has not settled within `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves when `p` settles (either way) or `ms` have passed, whichever comes first. */
export function settledWithin(p: Promise<unknown>, ms: number): Promise<void> {
  return withTimeout(p, ms, "").then(() => {}, () => {});
}
