// When a failed delivery is tried again. API.md: the first retry after about 30 s, then
// exponential up to 24 h; after the last one the delivery is marked failed. 14 attempts span about
// 58 hours, so a receiver that is down over a weekend still gets what it missed.

export const FIRST_RETRY_S = 30;
export const MAX_RETRY_S = 86_400;
export const MAX_ATTEMPTS = 14;

/** Seconds to wait after `attempts` failed tries (1 = the first send failed); null: give up. */
export function retryDelaySeconds(attempts: number): number | null {
  if (attempts < 1 || attempts >= MAX_ATTEMPTS) return null;
  return Math.min(MAX_RETRY_S, FIRST_RETRY_S * 2 ** (attempts - 1));
}

/** Deliveries marked failed in a row after which a destination is paused (shown so, sent nothing new). */
export const PAUSE_AFTER_FAILURES = 3;

export const shouldPause = (failuresInARow: number) => failuresInARow >= PAUSE_AFTER_FAILURES;
