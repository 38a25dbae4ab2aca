import { describe, expect, it } from "vitest";
import { DEFAULT_INGEST_SHARDS, ingestShards } from "../sites/ingest-shards";
import { bufferName, fnv1a, shardOf } from "./shards";

describe("shards", () => {
  it("hashes with FNV-1a (published test vectors)", () => {
    // From the FNV reference test suite (Fowler/Noll/Vo, 32-bit FNV-1a).
    expect(fnv1a("")).toBe(0x811c9dc5);
    expect(fnv1a("a")).toBe(0xe40c292c);
    expect(fnv1a("foobar")).toBe(0xbf9cf968);
  });

  it("sends one sender to one shard, always, and spreads senders over all shards", () => {
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 8000; i++) {
      const s = shardOf(`anon-${i}`, 8);
      expect(shardOf(`anon-${i}`, 8)).toBe(s);
      counts[s]++;
    }
    expect(counts.length).toBe(8);
    for (const n of counts) expect(n).toBeGreaterThan(800); // 1,000 each on average
  });

  it("uses one object when the site asks for one, and names objects <site>#<shard>", () => {
    expect(shardOf("anyone", 1)).toBe(0);
    expect(bufferName("demo", 3)).toBe("demo#3");
    expect(ingestShards({})).toBe(DEFAULT_INGEST_SHARDS);
    expect(ingestShards({ ingestShards: 4 })).toBe(4);
  });
});
