// Group commit at the worker: requests that arrive together in one isolate for the same buffer
// object share one call to it. The first request of an idle key is sent at once (no added latency);
// while a call is in flight, later arrivals gather and go together in the next call, and each
// caller's promise settles only when the call carrying its items has settled — so a 200 still
// means "durable". One call per key at a time also keeps an object from being asked twice at once
// by the same isolate.
//
// The next group is sent by the request that opened it, from its own request context (workerd
// runs a promise's continuations in the context that awaited it), so no request does I/O on
// behalf of another. Its wait for the call before is bounded (`maxWaitMs`): a call that never
// settles (its request was cancelled) must not hold the key forever; at worst two calls overlap,
// which the object serializes anyway.

import { settledWithin } from "./timeout";

export type SendGroup<T> = (key: string, items: T[]) => Promise<void>;

interface Group<T> {
  items: T[];
  weight: number;
  done: Promise<void>;
}

/**
 * @param weigh size of an item (e.g. characters), so one call stays under `maxWeight`; an item
 *   heavier than that still goes, alone.
 */
export function groupCommit<T>(send: SendGroup<T>, weigh: (item: T) => number, maxWeight: number, maxWaitMs = 10_000) {
  const open = new Map<string, Group<T>>();
  const tail = new Map<string, Promise<void>>();
  return function commit(key: string, items: T[]): Promise<void> {
    const weight = items.reduce((n, it) => n + weigh(it), 0);
    const joinable = open.get(key);
    if (joinable && joinable.weight + weight <= maxWeight) {
      joinable.items.push(...items);
      joinable.weight += weight;
      return joinable.done;
    }
    const group = { items: [...items], weight } as Group<T>;
    open.set(key, group);
    const before = tail.get(key);
    group.done = (async () => {
      if (before) await settledWithin(before, maxWaitMs);
      // From here on the group is closed: arrivals open the next one.
      if (open.get(key) === group) open.delete(key);
      await send(key, group.items);
    })();
    const settled = group.done.then(() => {}, () => {});
    tail.set(key, settled);
    void settled.then(() => {
      if (tail.get(key) === settled) tail.delete(key);
    });
    return group.done;
  };
}
