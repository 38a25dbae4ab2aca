// Tests that run inside workerd with the real worker, D1, R2 and queues (no mocked bindings).
import path from "node:path";
import { defineConfig } from "vitest/config";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        main: "./edge/src/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: { TEST_MIGRATIONS: migrations, PARCOURS_ADMIN_TOKEN: "test-admin-token", SESSION_SECRET: "test-session-secret", PARCOURS_LOCAL: "1" },
        },
      }),
    ],
    test: {
      include: ["edge/src/**/*.test.ts", "tests/worker/**/*.test.ts"],
      setupFiles: ["./tests/worker/apply-migrations.ts"],
      // Generous: storage goes through the real queue, which a loaded CI machine slows down.
      testTimeout: 60_000,
    },
  };
});
