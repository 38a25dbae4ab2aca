// The follow-up list: who did A and then not B within the allowed time. Pure.

/**
 * When the person's latest A is old enough to judge (its window has passed by `now`) and no B
 * came within the window, the time of that A; otherwise null. Both lists hold times, sorted.
 */
export function stalledSince(started: number[], expected: number[], afterMs: number, now: number): number | null {
  const last = started[started.length - 1];
  if (last === undefined || last + afterMs > now) return null;
  return expected.some((t) => t >= last && t <= last + afterMs) ? null : last;
}

/** Channels an adviser can reach a person on, in the order a call-back list would try them. */
const CONTACT_CHANNELS = new Set(["phone", "email", "chat", "sms", "store", "whatsapp"]);

/**
 * Where to reach the person: the contact channel of their most recent touchpoint that had one;
 * e-mail when they never used one but are known by a userId; else null.
 */
export function contactChannel(channelsNewestFirst: string[], identified: boolean): string | null {
  return channelsNewestFirst.find((c) => CONTACT_CHANNELS.has(c)) ?? (identified ? "email" : null);
}

export interface NamedTime {
  ts: number;
  name: string;
}

/** Everyone stalled between `started` and `expected`, with the time of the start they stalled at. */
export function stalledPeople(events: Map<string, NamedTime[]>, started: string, expected: string, afterMs: number, now: number) {
  const out: { personId: string; startedAt: number }[] = [];
  for (const [personId, list] of events) {
    const times = (name: string) => list.filter((e) => e.name === name).map((e) => e.ts);
    const since = stalledSince(times(started), times(expected), afterMs, now);
    if (since !== null) out.push({ personId, startedAt: since });
  }
  return out.sort((a, b) => b.startedAt - a.startedAt || (a.personId < b.personId ? -1 : 1));
}
