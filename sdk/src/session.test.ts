import { describe, expect, it } from "vitest";
import { aliased, identified, type Identity } from "./session";

const newId = () => "fresh";

describe("identified", () => {
  it.each<[string, Identity, string, Identity]>([
    ["an anonymous visitor keeps the anonymous id, so earlier events stitch", { anonymousId: "a1" }, "u1", { anonymousId: "a1", userId: "u1" }],
    ["the same user again changes nothing", { anonymousId: "a1", userId: "u1" }, "u1", { anonymousId: "a1", userId: "u1" }],
    ["another user on the device gets a fresh anonymous id", { anonymousId: "a1", userId: "u1" }, "u2", { anonymousId: "fresh", userId: "u2" }],
  ])("%s", (_, before, userId, after) => {
    expect(identified(before, userId, newId)).toEqual(after);
  });
});

describe("aliased", () => {
  it.each<[string, Identity, string, string]>([
    ["an anonymous visitor links the anonymous id", { anonymousId: "a1" }, "u1", "a1"],
    ["a known user links the old user id", { anonymousId: "a1", userId: "old" }, "new", "old"],
  ])("%s", (_, before, userId, previousId) => {
    expect(aliased(before, userId)).toEqual({ identity: { ...before, userId }, previousId });
  });
});
