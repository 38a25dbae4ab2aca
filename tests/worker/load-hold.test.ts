// Whole-range loads take turns in an isolate (query/load/sql.ts oneAtATime). A request cancelled
// while it holds the turn (a dashboard changing view aborts its fetches) must not hold up the
// loads that follow: before, its hold stayed until a 30 s take-over, and every dashboard card
// after it showed "loading" that long (a flaky dashboard e2e in CI).
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { loadHeld } from "../../edge/src/query/load/sql";
import { BASE, createSite, waitFor } from "./helpers";

const PEOPLE = 100_000;

describe("a cancelled request holding the whole-range load", () => {
  it("does not keep the next request waiting", async () => {
    const site = await createSite();
    // Enough identities that reading them (personOfKeys, a whole-site load) takes a while, so the
    // abort lands while the load is held. Written straight to D1: ingest would take minutes.
    await env.DB.prepare(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
      INSERT INTO identities (site_id, ident_key, person_id, first_seen) SELECT ?1, 'k' || i, 'p' || i, 0 FROM n`).bind(site.id, PEOPLE).run();
    const ask = (path: string, signal?: AbortSignal) =>
      SELF.fetch(`${BASE}/api/sites/${site.id}${path}`, { headers: { authorization: `Bearer ${site.readToken}` }, signal });

    expect(loadHeld()).toBe(false);
    const abort = new AbortController();
    // /feedback reads the identity map on every ask (no shared copy): it always takes the load.
    const cancelled = ask("/feedback?kind=nps", abort.signal).then((r) => r.status, (e: Error) => e.name);
    // Polled on a short timer of our own: the load is held for a fraction of a second.
    while (!loadHeld()) await new Promise((r) => setTimeout(r, 1));
    abort.abort();
    expect(await cancelled).toBe("AbortError");

    // Another question that needs the load: before the fix it waited out the 30 s take-over,
    // past this test's own time limit.
    const next = await ask("/feedback?kind=csat");
    expect(next.status).toBe(200);
    expect(await next.json()).toMatchObject({ kind: "csat", responses: 0 });
    expect(await waitFor(async () => loadHeld(), (held) => !held, 10_000)).toBe(false);
  }, 15_000);
});
