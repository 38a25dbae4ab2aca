import { describe, expect, it } from "vitest";
import { correctedTime, validateMessage } from "./validate";

const now = Date.UTC(2026, 10, 25, 12);
const opts = { receivedAt: now, trusted: false };
const iso = (ms: number) => new Date(ms).toISOString();

describe("validateMessage", () => {
  const rejects: [string, unknown, string][] = [
    ["a non-object", [1, 2], "invalid_message"],
    ["an unknown type", { type: "click", anonymousId: "a" }, "type"],
    ["no identity", { type: "page" }, "userId"],
    ["track without event", { type: "track", anonymousId: "a" }, "event"],
    ["a non-string event", { type: "track", event: 5, anonymousId: "a" }, "event"],
    ["an object userId", { type: "page", userId: { $ne: 1 } }, "userId"],
    ["a too-long anonymousId", { type: "page", anonymousId: "x".repeat(300) }, "anonymousId"],
    ["properties as an array", { type: "track", event: "e", anonymousId: "a", properties: [1] }, "properties"],
    ["deep nesting", { type: "track", event: "e", anonymousId: "a", properties: JSON.parse("{\"a\":".repeat(40) + "1" + "}".repeat(40)) }, "properties"],
    ["a bad channel", { type: "page", anonymousId: "a", context: { channel: "<script>" } }, "context.channel"],
    ["a bad timestamp", { type: "page", anonymousId: "a", timestamp: "yesterday" }, "timestamp"],
    ["a far-future timestamp", { type: "page", anonymousId: "a", timestamp: iso(now + 3 * 86_400_000) }, "timestamp"],
    ["a browser backfill", { type: "page", anonymousId: "a", timestamp: iso(now - 3 * 86_400_000) }, "timestamp"],
    ["alias without previousId", { type: "alias", userId: "u" }, "previousId"],
    ["group without groupId", { type: "group", userId: "u" }, "groupId"],
  ];
  it.each(rejects)("rejects %s, naming the field", (_n, raw, field) => {
    const r = validateMessage(raw, opts);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.field ?? r.error.code).toBe(field);
  });

  it("rejects a message over 32 KB", () => {
    const r = validateMessage({ type: "track", event: "e", anonymousId: "a", properties: { s: "x".repeat(33 * 1024) } }, opts);
    expect(r.ok || r.error.code).toBe("message_too_large");
  });

  it("lets a secret key backfill", () => {
    const r = validateMessage({ type: "page", anonymousId: "a", timestamp: iso(now - 30 * 86_400_000) }, { ...opts, trusted: true });
    expect(r.ok && r.message.ts).toBe(now - 30 * 86_400_000);
  });

  it("accepts numeric ids and epoch-ms times", () => {
    const r = validateMessage({ type: "page", userId: 42, timestamp: now - 1000 }, opts);
    expect(r.ok && [r.message.userId, r.message.ts]).toEqual(["42", now - 1000]);
  });

  it("keeps __proto__ as plain data without touching prototypes", () => {
    const r = validateMessage(JSON.parse('{"type":"track","event":"e","anonymousId":"a","properties":{"__proto__":{"polluted":1}}}'), opts);
    expect(r.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("correctedTime (Segment's skew correction)", () => {
  const cases: [string, number, number, number][] = [
    ["client clock 1 h fast", now + 3600_000 - 5000, now + 3600_000, now - 5000],
    ["client clock 10 min slow", now - 600_000 - 2000, now - 600_000, now - 2000],
    ["no timestamp: receive time", NaN, now, now],
    ["no sentAt: timestamp as is", now - 7000, NaN, now - 7000],
  ];
  it.each(cases)("%s", (_n, ts, sentAt, expected) => expect(correctedTime(ts, sentAt, now)).toBe(expected));
});
