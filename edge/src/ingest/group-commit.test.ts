import { describe, expect, it } from "vitest";
import { groupCommit } from "./group-commit";

/** A send whose calls stay pending until released: what an object call in flight looks like. */
function gatedSend() {
  const calls: { key: string; items: string[]; release: (err?: Error) => void }[] = [];
  const send = (key: string, items: string[]) => new Promise<void>((resolve, reject) => {
    calls.push({ key, items: [...items], release: (err) => (err ? reject(err) : resolve()) });
  });
  return { calls, send };
}

/** Lets every promise chain that can move, move (a macrotask turn). */
const tick = () => new Promise((r) => setTimeout(r, 0));

const settledState = async (p: Promise<unknown>) => {
  let state = "pending";
  p.then(() => (state = "resolved"), () => (state = "rejected"));
  await tick();
  return state;
};

describe("groupCommit", () => {
  it("sends the first request at once and gathers those arriving meanwhile into one next call", async () => {
    const { calls, send } = gatedSend();
    const commit = groupCommit(send, (s: string) => s.length, 1000);
    const a = commit("site#0", ["a"]);
    expect(calls.map((c) => c.items)).toEqual([["a"]]);
    const b = commit("site#0", ["b1", "b2"]);
    const c = commit("site#0", ["c"]);
    expect(calls).toHaveLength(1);
    expect(await settledState(b)).toBe("pending");
    calls[0].release();
    await a;
    await tick();
    expect(calls.map((x) => x.items)).toEqual([["a"], ["b1", "b2", "c"]]);
    // Acknowledged only once the call carrying them has completed.
    expect(await settledState(b)).toBe("pending");
    calls[1].release();
    await Promise.all([b, c]);
  });

  it("keeps keys apart: each object gets its own calls, in parallel", async () => {
    const { calls, send } = gatedSend();
    const commit = groupCommit(send, (s: string) => s.length, 1000);
    const ps = [commit("s#0", ["x"]), commit("s#1", ["y"]), commit("t#0", ["z"])];
    expect(calls.map((c) => [c.key, c.items])).toEqual([["s#0", ["x"]], ["s#1", ["y"]], ["t#0", ["z"]]]);
    calls.forEach((c) => c.release());
    await Promise.all(ps);
  });

  it("fails every request of a failed call, and only those; the next group still goes", async () => {
    const { calls, send } = gatedSend();
    const commit = groupCommit(send, (s: string) => s.length, 1000);
    const first = commit("k", ["1"]);
    const second = commit("k", ["2"]);
    const third = commit("k", ["3"]);
    calls[0].release(new Error("object overloaded"));
    await expect(first).rejects.toThrow("object overloaded");
    await tick();
    expect(calls[1].items).toEqual(["2", "3"]);
    calls[1].release(new Error("again"));
    await expect(second).rejects.toThrow("again");
    await expect(third).rejects.toThrow("again");
    const fourth = commit("k", ["4"]);
    await tick();
    calls[2].release();
    await fourth;
    expect(calls.map((c) => c.items)).toEqual([["1"], ["2", "3"], ["4"]]);
  });

  it("starts a further group when the gathering one would pass the weight cap", async () => {
    const { calls, send } = gatedSend();
    const commit = groupCommit(send, (s: string) => s.length, 10);
    const ps = [commit("k", ["aaaa"]), commit("k", ["bbbbbb"]), commit("k", ["cccc"]), commit("k", ["dddddddddddd"])];
    // In flight: aaaa. Gathering: bbbbbb + cccc (10), then the over-cap item alone.
    for (let round = 0; round < 3; round++) {
      await tick();
      calls[round].release();
    }
    await Promise.all(ps);
    expect(calls.map((c) => c.items)).toEqual([["aaaa"], ["bbbbbb", "cccc"], ["dddddddddddd"]]);
  });
});

describe("groupCommit's bounded wait", () => {
  it("sends the next group anyway when the call before never settles", async () => {
    const calls: string[][] = [];
    const commit = groupCommit((_k, items: string[]) => {
      calls.push([...items]);
      return calls.length === 1 ? new Promise<void>(() => {}) : Promise.resolve();
    }, (s: string) => s.length, 1000, 20);
    void commit("k", ["stuck"]);
    await commit("k", ["next"]);
    expect(calls).toEqual([["stuck"], ["next"]]);
  });
});
