// `npm run deploy`'s generated config: wrangler.toml with the account's ids filled in, validated by
// wrangler itself (a dry-run bundle, no account needed). The dry run of wrangler.toml itself runs
// in CI (`.ci/run`).
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT } from "../../scripts/dev-server.mjs";
import { deployConfig, resourceNames } from "../../scripts/deploy.mjs";

const base = readFileSync(path.join(ROOT, "wrangler.toml"), "utf8");
const generated = path.join(ROOT, `wrangler.test-${process.pid}.toml`);
afterAll(() => rmSync(generated, { force: true }));

describe("deploy config", () => {
  it("finds every resource wrangler.toml names", () => {
    const names = resourceNames(base);
    expect(names.worker).toBe("parcours");
    expect(names.database).toBe("parcours");
    // The catalog's database first, then one per SITE_DB_n binding, each with its own name.
    expect(names.databases[0]).toEqual({ binding: "DB", name: "parcours" });
    expect(names.databases.length).toBeGreaterThanOrEqual(2);
    expect(names.databases.slice(1).every((d, i) => d.binding === `SITE_DB_${i + 1}`)).toBe(true);
    expect(new Set(names.databases.map((d) => d.name)).size).toBe(names.databases.length);
    expect(names.bucket).toBe("parcours-archive");
    expect(names.queues).toEqual(expect.arrayContaining(["parcours-events", "parcours-dlq"]));
    expect(new Set(names.queues).size).toBe(names.queues.length);
  });

  it("keeps no secret or local default in wrangler.toml", () => {
    expect(base).not.toMatch(/PARCOURS_ADMIN_TOKEN\s*=|dev-admin-token|SESSION_SECRET\s*=/);
    expect(base).not.toMatch(/^\[vars\]/m);
  });

  it("writes each database's id and the optional Pipelines binding, and wrangler accepts the result", () => {
    const databaseId = "3f2b8c1e-0000-4000-8000-00000000abcd";
    const { databases } = resourceNames(base);
    const databaseIds = Object.fromEntries(databases.map((d, i) => [d.binding, i === 0 ? databaseId : `3f2b8c1e-0000-4000-8000-0000000000${String(i).padStart(2, "0")}`]));
    const text = deployConfig(base, { databaseIds, worker: "parcours-staging", pipeline: "0123456789abcdef0123456789abcdef" });
    for (const id of Object.values(databaseIds)) expect(text).toContain(`database_id = "${id}"`);
    expect(text).not.toMatch(/00000000-0000-0000-0000-00000000000\d/);
    expect(text).toMatch(/^name = "parcours-staging"/m);
    writeFileSync(generated, text);
    const outdir = mkdtempSync(path.join(tmpdir(), "parcours-deploy-test-"));
    const r = spawnSync(path.join(ROOT, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", outdir, "--config", generated],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" } });
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(out).toMatch(/env\.EVENTS_STREAM/);
    expect(out).toMatch(/env\.DB \(parcours\)/);
    expect(out).toMatch(/env\.SITE_DB_1 \(parcours-site-1\)/);
  });
});
