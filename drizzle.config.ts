import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./edge/src/db/schema.ts",
  out: "./migrations",
});
