// The script tag's size budget, checked in `npm test` (Plausible measures its tracker on every
// change too). Builds when dist/ is missing, so a fresh checkout tests what it would ship.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

const SDK = path.resolve(import.meta.dirname, "..");
const BUDGETS = [
  ["s.js", 2000],
  ["v.js", 4000],
  ["l.js", 600],
  ["f.js", 1500],
] as const;

const gzipBytes = (file: string) => gzipSync(readFileSync(path.join(SDK, "dist", file)), { level: 9 }).length;

describe("bundle size", () => {
  if (!BUDGETS.every(([file]) => existsSync(path.join(SDK, "dist", file)))) {
    execFileSync("npx", ["rollup", "-c"], { cwd: SDK, stdio: "ignore" });
  }

  it.each(BUDGETS)("%s is at most %i bytes gzip -9", (file, budget) => {
    expect(gzipBytes(file)).toBeLessThanOrEqual(budget);
  });
});
