// The shape every attribution model reads: a journey reduced to the group keys it passed through.
import type { Credits } from "../api";

export interface Step {
  /** The group credited: a channel, source or campaign. */
  key: string;
  /** Kept apart from key because last_non_direct judges the channel whatever the grouping. */
  channel: string;
  ts: number;
}

export interface AttributionJourney {
  steps: Step[];
  /** Conversion time, or the end of an open journey. */
  endTs: number;
  converted: boolean;
  /** What a conversion is worth: 1 to count conversions, its revenue for value=revenue. */
  value: number;
  /**
   * How many identical journeys this one stands for (1 when absent). The journey digests pass one
   * per distinct shape, `value` then being the sum over them.
   */
  weight?: number;
}

/** Credit per group: the read API's shape. */
export type { Credits };

/**
 * Credits are keyed by data (channel, source, campaign names), so they get no prototype: a channel
 * named "constructor" or "__proto__" is a key like any other, not a property of Object.prototype.
 */
export const newCredits = (): Credits => Object.create(null);

export function addCredit(credits: Credits, key: string, amount: number): void {
  credits[key] = (credits[key] ?? 0) + amount;
}
