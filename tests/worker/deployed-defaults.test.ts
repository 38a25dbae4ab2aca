// A deployed worker has only what `wrangler secret put` gave it. Without PARCOURS_ADMIN_TOKEN the
// admin API must stay shut — for the local default `dev-admin-token` (passed by `npm start` as a
// --var, never built in) as much as for anything else — and so must an admin dashboard login.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../edge/src/app";

// The same real bindings (D1, R2, queue, Durable Objects), minus the admin token.
const deployedWithoutToken = { ...env, PARCOURS_ADMIN_TOKEN: undefined } as unknown as typeof env;
const call = (path: string, init: RequestInit = {}) => app.request(`https://parcours.example${path}`, init, deployedWithoutToken);

describe("a worker deployed without an admin token", () => {
  const candidates = ["dev-admin-token", "test-admin-token", "undefined", "null", " "];

  it("refuses every admin call, whatever token is offered", async () => {
    expect(candidates.length).toBeGreaterThan(0);
    for (const token of candidates) {
      for (const [method, path] of [["GET", "/api/admin/sites"], ["GET", "/api/admin/stats"], ["POST", "/api/admin/replay"]]) {
        const res = await call(path, { method, headers: { authorization: `Bearer ${token}` } });
        expect(res.status, `${method} ${path} with ${JSON.stringify(token)}`).toBe(401);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
      }
    }
    const noHeader = await call("/api/admin/sites");
    expect(noHeader.status).toBe(401);
  });

  it("creates no site and opens no admin session", async () => {
    const create = await call("/api/admin/sites", { method: "POST", headers: { authorization: "Bearer dev-admin-token", "content-type": "application/json" },
      body: JSON.stringify({ id: "intruder", name: "x" }) });
    expect(create.status).toBe(401);
    expect(await env.DB.prepare("SELECT id FROM sites WHERE id = 'intruder'").first()).toBeNull();
    const login = await call("/api/login", { method: "POST", body: JSON.stringify({ token: "dev-admin-token" }) });
    expect(login.status).toBe(401);
    expect(login.headers.get("set-cookie")).toBeNull();
  });

  it("is still open with the configured token (the same calls are not refused for another reason)", async () => {
    const res = await app.request("https://parcours.example/api/admin/sites", { headers: { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}` } }, env);
    expect(res.status).toBe(200);
  });
});
