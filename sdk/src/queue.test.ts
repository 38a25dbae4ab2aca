import { describe, expect, it } from "vitest";
import { backoffMs, fitsInMessage, nextBatch, PersistentQueue, shouldRetry } from "./queue";
import { memoryStorage, type KeyValueStorage } from "./storage";
import type { Message, TrackMessage } from "./wire";

const message = (id: string, properties: Record<string, unknown> = {}): TrackMessage => ({
  type: "track",
  event: "e",
  messageId: id,
  properties,
});

describe("backoffMs", () => {
  it.each([
    // attempt, random, delay: the ceiling doubles from 1 s, jitter spans its upper half
    [1, 0, 500],
    [1, 1, 1000],
    [2, 0, 1000],
    [3, 0.5, 3000],
    [5, 1, 16_000],
    [6, 1, 30_000], // capped at 30 s
    [6, 0, 15_000],
    [50, 0, 15_000],
  ])("attempt %i with random %d waits %i ms", (attempt, random, delay) => {
    expect(backoffMs(attempt, () => random)).toBe(delay);
  });
});

describe("shouldRetry", () => {
  it.each([
    [0, true],
    [200, false],
    [204, false],
    [400, false],
    [401, false],
    [413, false],
    [408, true],
    [429, true],
    [500, true],
    [503, true],
  ])("status %i -> %s", (status, retry) => {
    expect(shouldRetry(status)).toBe(retry);
  });
});

describe("nextBatch", () => {
  const small = ["a", "b", "c"].map((id) => message(id));
  it.each([
    ["all when they fit", small, 10, 10_000, ["a", "b", "c"]],
    ["at most maxCount", small, 2, 10_000, ["a", "b"]],
    ["stops before the byte limit", small, 10, 400, ["a", "b"]],
    ["always one, so an oversized head cannot block the queue", [message("big", { x: "y".repeat(5000) }), ...small], 10, 1000, ["big"]],
    ["nothing from nothing", [], 10, 10_000, []],
  ])("%s", (_, items, maxCount, maxBytes, ids) => {
    expect(nextBatch(items as Message[], maxCount, maxBytes).map((m) => m.messageId)).toEqual(ids);
  });
});

describe("fitsInMessage", () => {
  it.each([
    ["a usual message", message("a", { plan: "pro" }), true],
    ["a message over 32 KiB", message("a", { blob: "x".repeat(33 * 1024) }), false],
    ["multi-byte text counted in bytes", message("a", { text: "é".repeat(17 * 1024) }), false],
  ])("%s", (_, m, fits) => {
    expect(fitsInMessage(m)).toBe(fits);
  });
});

/** An AsyncStorage-like storage: every answer is a promise, as in React Native. */
function asyncStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: async (key) => data.get(key) ?? null,
    setItem: async (key, value) => void data.set(key, value),
    removeItem: async (key) => void data.delete(key),
  };
}

describe("PersistentQueue", () => {
  it.each([
    ["sync storage (localStorage-like)", memoryStorage],
    ["async storage (AsyncStorage-like)", asyncStorage],
  ])("mirrors every change in %s and a new run adopts what is left", async (_, makeStorage) => {
    const storage = makeStorage();
    const first = new PersistentQueue(storage, "q");
    await first.claim();
    await first.push(message("a"));
    await first.push(message("b"));
    await first.remove([message("a")]);
    expect(JSON.parse((await storage.getItem("q"))!)).toEqual([message("b")]);

    const second = new PersistentQueue(storage, "q");
    await second.push(message("c"));
    await second.claim();
    expect(second.items.map((m) => m.messageId)).toEqual(["b", "c"]);
  });

  it("removes the key once empty, so an idle site leaves nothing behind", async () => {
    const storage = asyncStorage();
    const queue = new PersistentQueue(storage, "q");
    await queue.claim();
    await queue.push(message("a"));
    expect(storage.data.has("q")).toBe(true);
    await queue.remove([message("a")]);
    expect(storage.data.has("q")).toBe(false);
  });

  it("clear() erases a mirror it never claimed (consent withdrawn)", async () => {
    const storage = asyncStorage();
    await storage.setItem("q", JSON.stringify([message("old")]));
    await new PersistentQueue(storage, "q").clear();
    expect(storage.data.has("q")).toBe(false);
  });

  it("keeps the newest messages when full", async () => {
    const queue = new PersistentQueue(null, "q", 2);
    for (const id of ["a", "b", "c"]) await queue.push(message(id));
    expect(queue.items.map((m) => m.messageId)).toEqual(["b", "c"]);
  });

  it.each([["not json"], ['{"not":"an array"}']])("ignores a corrupt mirror: %s", async (saved) => {
    const storage = memoryStorage();
    storage.setItem("q", saved);
    const queue = new PersistentQueue(storage, "q");
    await queue.claim();
    expect(queue.items).toEqual([]);
  });
});
