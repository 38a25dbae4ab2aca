import { afterEach, describe, expect, it, vi } from "vitest";
import { uuid } from "./ids";

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("uuid", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("uses crypto.randomUUID where there is one", () => {
    expect(uuid()).toMatch(V4);
  });

  it("falls back to a valid, varied v4 id without crypto (plain-http pages, React Native)", () => {
    vi.stubGlobal("crypto", undefined);
    const ids = new Set(Array.from({ length: 1000 }, uuid));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(V4);
  });
});
