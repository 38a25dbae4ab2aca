import { describe, expect, it } from "vitest";
import { batchBody, buildMessage } from "./message";

const context = { library: { name: "t", version: "1" } };
const at = "2025-01-02T03:04:05.000Z";

describe("buildMessage", () => {
  it.each([
    [
      "track",
      { type: "track", event: "signup", properties: { plan: "pro" } } as const,
      { anonymousId: "a1" },
      { type: "track", event: "signup", properties: { plan: "pro" }, anonymousId: "a1", userId: null },
    ],
    [
      "identify",
      { type: "identify", traits: { email: "x@y.z" } } as const,
      { anonymousId: "a1", userId: "u1" },
      { type: "identify", traits: { email: "x@y.z" }, anonymousId: "a1", userId: "u1" },
    ],
    [
      "alias",
      { type: "alias", previousId: "a1" } as const,
      { anonymousId: "a1", userId: "u1" },
      { type: "alias", previousId: "a1", anonymousId: "a1", userId: "u1" },
    ],
  ])("%s", (_, fields, identity, expected) => {
    expect(buildMessage(fields, identity, context, at, "m1")).toEqual({ ...expected, messageId: "m1", timestamp: at, context });
  });
});

describe("batchBody", () => {
  it("stamps sentAt on the batch and on each message, and carries the write key", () => {
    const message = buildMessage({ type: "page" }, { anonymousId: "a1" }, context, at, "m1");
    expect(JSON.parse(batchBody([message], "wk", "2025-01-02T03:04:09.000Z"))).toEqual({
      batch: [{ ...message, sentAt: "2025-01-02T03:04:09.000Z" }],
      writeKey: "wk",
      sentAt: "2025-01-02T03:04:09.000Z",
    });
  });
});
