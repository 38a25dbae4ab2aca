import { describe, expect, it } from "vitest";
import { initialConsent } from "./consent";

describe("initialConsent", () => {
  it.each([
    // requireConsent, respectDnt, browser opted out (DNT or GPC), state
    [false, false, false, "granted"],
    [false, false, true, "granted"], // the site did not ask to respect the signal
    [true, false, false, "pending"],
    [true, false, true, "pending"],
    [false, true, false, "granted"],
    [false, true, true, "denied"],
    [true, true, true, "denied"],
    [true, true, false, "pending"],
  ] as const)("requireConsent=%s respectDnt=%s optedOut=%s -> %s", (requireConsent, respectDnt, optedOut, state) => {
    expect(initialConsent(requireConsent, respectDnt, optedOut)).toBe(state);
  });
});
