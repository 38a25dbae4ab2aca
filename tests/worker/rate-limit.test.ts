import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, createSite } from "./helpers";

describe("ingest rate limits", () => {
  it("answers 429 with Retry-After once a browser client passes its limit, and only for that client", async () => {
    const site = await createSite();
    const post = (ip: string) => SELF.fetch(`${BASE}/v1/batch`, {
      method: "POST",
      headers: { origin: "https://shop.example", "cf-connecting-ip": ip, "user-agent": "Mozilla/5.0 Firefox/130.0" },
      body: JSON.stringify({ writeKey: site.writeKey, batch: [{ type: "page", anonymousId: `rl-${ip}` }] }),
    });
    // The limit counts per 60 s window, and on a loaded machine 300 requests may straddle two
    // windows: send until refused, then check nothing was refused before 300 got through.
    let accepted = 0;
    let limited: Response | undefined;
    for (let i = 0; i < 700 && !limited; i++) {
      const res = await post("203.0.113.7");
      if (res.status === 200) accepted++;
      else limited = res;
    }
    expect(limited?.status).toBe(429);
    expect(accepted).toBeGreaterThanOrEqual(300);
    expect(accepted).toBeLessThanOrEqual(600);
    if (!limited) return;
    expect(limited.headers.get("retry-after")).toBe("60");
    expect((await limited.json<any>()).error.code).toBe("rate_limited");
    // Another client of the same site is not affected.
    expect((await post("198.51.100.9")).status).toBe(200);
  });
});
