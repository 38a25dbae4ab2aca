// Tests that run in Node: SDK and dashboard units, and the end-to-end tests that drive a real
// headless Chromium against the real worker (each e2e file starts one with scripts/dev-server.mjs).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["sdk/src/**/*.test.ts", "dashboard/src/**/*.test.ts", "tests/e2e/**/*.test.ts", "tests/node/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each e2e file runs its own workerd and Chromium: one at a time fits a 2-core machine.
    fileParallelism: false,
  },
});
