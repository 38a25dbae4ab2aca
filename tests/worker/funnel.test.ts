// Funnels that match real journeys, through the real route: steps with alternatives, an optional
// step, each step's people by first-touch channel; the same answer once raw events before the
// horizon have aged out of D1 and the people's states answer for them.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, countRows, createSite, read, sendBatch, waitFor } from "./helpers";

const MIN = 60_000;
const DAY = 86_400_000;
const now = Date.now();
const at = (ms: number) => new Date(now - ms).toISOString();
let seq = 0;
const page = (anon: string, ago: number, url: string, referrer?: string) =>
  ({ type: "page", anonymousId: anon, messageId: `f${++seq}`, timestamp: at(ago), context: { page: { url, referrer } } });
const track = (anon: string, event: string, ago: number) => ({ type: "track", event, anonymousId: anon, messageId: `f${++seq}`, timestamp: at(ago) });

// Four people, first brought by e-mail, paid search, nobody (direct) and a partner's link.
const batch = [
  // e-mail: a product, a quote (the alternative), and a purchase four days later: 1 1 0 1.
  page("p1", 5 * DAY, "https://shop.example/?utm_source=news&utm_medium=email"), track("p1", "view_product", 5 * DAY - MIN),
  track("p1", "quote_requested", 5 * DAY - 2 * MIN), track("p1", "purchase", DAY),
  // paid search: every step, the newsletter on the way: 1 1 1 1.
  page("p2", 5 * DAY, "https://shop.example/?gclid=abc"), track("p2", "view_product", 5 * DAY - MIN), track("p2", "add_to_cart", 5 * DAY - 2 * MIN),
  track("p2", "newsletter", 5 * DAY - 3 * MIN), track("p2", "purchase", 5 * DAY - 4 * MIN),
  // direct: a product, then straight to a purchase without the required second step: 1 0 0 0.
  page("p3", 5 * DAY, "https://shop.example/"), track("p3", "view_product", 5 * DAY - MIN), track("p3", "newsletter", 5 * DAY - 2 * MIN), track("p3", "purchase", 5 * DAY - 3 * MIN),
  // referral, recently: a product and a cart: 1 1 0 0.
  page("p4", DAY, "https://shop.example/", "https://partner.example/deal"), track("p4", "view_product", DAY - MIN), track("p4", "add_to_cart", DAY - 2 * MIN),
];

const STEPS = "view_product,add_to_cart|quote_requested,newsletter?,purchase";
interface Body { steps: { name: string; people: number; dropOff: number; events: string[]; optional: boolean; firstTouch: Record<string, number> }[] }

describe("funnel with alternatives, optional steps and first-touch channels", () => {
  it("counts each step as computed by hand, before and after raw events age out", async () => {
    const site = await createSite({ rawRetentionDays: 2 });
    expect((await sendBatch(site, batch)).status).toBe(200);
    await waitFor(() => countRows("SELECT count(*) AS n FROM events WHERE site_id = ?", site.id), (n) => n === batch.length);
    const funnel = () => read<Body>(site, `/funnel?steps=${encodeURIComponent(STEPS)}`);
    // The consumer writes the people's states just after their events.
    const before = await waitFor(funnel, (b) => !("(none)" in b.steps[0].firstTouch));
    expect(before.steps).toEqual([
      { name: "view_product", people: 4, dropOff: 0, events: ["view_product"], optional: false,
        firstTouch: { email: 1, paid_search: 1, direct: 1, referral: 1 } },
      { name: "add_to_cart|quote_requested", people: 3, dropOff: 1, events: ["add_to_cart", "quote_requested"], optional: false,
        firstTouch: { email: 1, paid_search: 1, referral: 1 } },
      // Of the three at the step before, one signed up on the way: two skipped it.
      { name: "newsletter", people: 1, dropOff: 2, events: ["newsletter"], optional: true, firstTouch: { paid_search: 1 } },
      // Measured from the last required step: three there, two bought.
      { name: "purchase", people: 2, dropOff: 1, events: ["purchase"], optional: false, firstTouch: { email: 1, paid_search: 1 } },
    ]);

    // Raw events older than two days leave D1; the states answer for them.
    const res = await SELF.fetch(`${BASE}/api/admin/sites/${site.id}/maintenance`, { method: "POST", headers: { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { rawEventsDeleted: number }).rawEventsDeleted).toBeGreaterThan(0);
    expect(await countRows("SELECT count(*) AS n FROM events WHERE site_id = ? AND ts < ?", site.id, now - 3 * DAY)).toBe(0);
    expect((await funnel()).steps).toEqual(before.steps);
    // The per-channel breakdown reads the aged part from the states too.
    const byChannel = await read<Body & { breakdown: { channel: string; steps: { people: number }[] }[] }>(site, `/funnel?steps=${encodeURIComponent(STEPS)}&breakdown=channel`);
    expect(byChannel.breakdown.map((b) => [b.channel, b.steps.map((s) => s.people)]).sort()).toEqual([
      ["email", [1, 1, 0, 1]], ["paid_search", [1, 1, 1, 1]], ["referral", [1, 1, 0, 0]], ["direct", [1, 0, 0, 0]],
    ].sort());
  });

  it("refuses a step it cannot mean, naming steps", async () => {
    const site = await createSite();
    for (const steps of ["signup?,purchase", "view_product,|purchase", "view_product,a|"]) {
      const res = await SELF.fetch(`${BASE}/api/sites/${site.id}/funnel?steps=${encodeURIComponent(steps)}`, { headers: { authorization: `Bearer ${site.readToken}` } });
      expect(res.status, steps).toBe(400);
      expect(((await res.json()) as { error: { field: string } }).error.field).toBe("steps");
    }
  });
});
