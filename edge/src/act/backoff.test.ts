import { describe, expect, it } from "vitest";
import { FIRST_RETRY_S, MAX_ATTEMPTS, MAX_RETRY_S, retryDelaySeconds, shouldPause } from "./backoff";

describe("retryDelaySeconds", () => {
  it("starts at 30 s and doubles", () => {
    expect(retryDelaySeconds(1)).toBe(30);
    expect(retryDelaySeconds(2)).toBe(60);
    expect(retryDelaySeconds(3)).toBe(120);
    expect(retryDelaySeconds(8)).toBe(30 * 128);
  });

  it("never waits longer than 24 h, and gives up after the last attempt", () => {
    const delays: number[] = [];
    for (let a = 1; retryDelaySeconds(a) !== null; a++) delays.push(retryDelaySeconds(a)!);
    expect(delays.length).toBe(MAX_ATTEMPTS - 1);
    expect(delays[0]).toBe(FIRST_RETRY_S);
    expect(delays.at(-1)).toBe(MAX_RETRY_S);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
    expect(Math.max(...delays)).toBe(86_400);
    expect(retryDelaySeconds(MAX_ATTEMPTS)).toBeNull();
    expect(retryDelaySeconds(0)).toBeNull();
  });

  it("keeps trying for more than a day in all", () => {
    let total = 0;
    for (let a = 1; a < MAX_ATTEMPTS; a++) total += retryDelaySeconds(a)!;
    expect(total).toBeGreaterThan(86_400);
  });

  it("pauses a destination after repeated failed deliveries", () => {
    expect(shouldPause(0)).toBe(false);
    expect(shouldPause(2)).toBe(false);
    expect(shouldPause(3)).toBe(true);
  });
});
