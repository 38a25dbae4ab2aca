// The activity day digests against the scans they replace: random events stored through the real
// pipeline in shuffled, redelivered batches (late events, identity merges), with the count answers
// asked between batches so that days are digested, then go stale as events land in them; then an
// erasure, raw ageing, and a merge of people whose events have aged out.
import { env, SELF } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { storePayloads } from "../../edge/src/pipeline/consumer";
import { ageRawEvents } from "../../edge/src/jobs/age-raw";
import { siteById } from "../../edge/src/sites/catalog";
import * as counts from "../../edge/src/query/load/counts";
import type { TouchFilter } from "../../edge/src/core/journeys";
import { BASE, DAY, enriched, forShuffledDeliveries, spec } from "./oracle/journey-events";
import { createSite } from "./helpers";

// No filter, one, and two at once (the daily series' people then come from the scan).
const FILTERS: TouchFilter[] = [{}, { channel: "email" }, { country: "FR" }, { campaign: "c1" }, { channel: "web", country: "DE" }];

const RANGES = [
  // Both ends inside a day: two partial days scanned, the rest from digests.
  { from: BASE + 3 * DAY + 41_000, to: BASE + 38 * DAY + 7_000 },
  // Whole days only.
  { from: BASE, to: BASE + 41 * DAY - 1 },
];

const byBucket = <T extends { bucket: number }>(rows: T[]) => [...rows].sort((a, b) => a.bucket - b.bucket);
// A digested day whose events were all erased answers zeros where the scan has no row: the route
// shows both as zeros.
const nonZero = <T extends { bucket: number }>(rows: T[]) => byBucket(rows.filter((r) => Object.entries(r).some(([k, v]) => k !== "bucket" && v !== 0)));

const cases = () => RANGES.flatMap((r) => FILTERS.map((f) => [r, f] as const));

async function answers(siteId: string) {
  const db = env.DB;
  return Promise.all(cases().map(async ([r, f]) => ({
    events: unfilteredEvents(f) ? (await counts.countEventsAndPeople(db, siteId, r, f)).events : null,
    overview: await counts.rangeCounts(db, siteId, r, f).then(({ events, sessions, touchpoints }) => ({ events, sessions, touchpoints })),
    sessions: await counts.countSessions(db, siteId, r, f),
    touchpoints: await counts.countTouchpoints(db, siteId, r, f),
    series: nonZero(await counts.eventSeries(db, siteId, r, f, "day", "purchase")),
    sessionSeries: nonZero(await counts.sessionSeries(db, siteId, r, f, "day")),
    channels: await counts.channelCounts(db, siteId, r, f, "purchase"),
    names: await counts.eventNames(db, siteId, r, f),
  })));
}

// countEventsAndPeople counts a filtered range by its scan: only its unfiltered events are digested.
const unfilteredEvents = (f: TouchFilter) => Object.keys(f).length === 0;

async function oracle(siteId: string) {
  const db = env.DB;
  const { scans } = counts;
  return Promise.all(cases().map(async ([r, f]) => ({
    events: unfilteredEvents(f) ? await scans.events(db, siteId, r) : null,
    overview: {
      events: unfilteredEvents(f) ? await scans.events(db, siteId, r) : (await counts.countEventsAndPeople(db, siteId, r, f)).events,
      sessions: await scans.touches(db, siteId, r, f, true),
      touchpoints: await scans.touches(db, siteId, r, f, false),
    },
    sessions: await scans.touches(db, siteId, r, f, true),
    touchpoints: await scans.touches(db, siteId, r, f, false),
    series: nonZero(await scans.eventSeries(db, siteId, r, f, "day", "purchase")),
    sessionSeries: nonZero(await scans.sessionSeries(db, siteId, r, f, "day")),
    channels: [...(await scans.channelTable(db, siteId, r, f, "purchase")).values()]
      .map((c) => ({ channel: c.channel, sessions: c.sessions, touchpoints: c.touchpoints, conversions: c.named.purchase ?? 0 }))
      .filter((c) => c.touchpoints > 0 || c.conversions > 0)
      .sort((a, b) => b.touchpoints - a.touchpoints || (a.channel < b.channel ? -1 : 1)),
    names: await scans.eventNames(db, siteId, r, f),
  })));
}

const digestedDays = async (siteId: string) => (await env.DB.prepare(
  "SELECT count(*) AS n FROM activity_days WHERE site_id = ? AND built_seq = seq AND data IS NOT NULL").bind(siteId).first<{ n: number }>())!.n;

async function compare(siteId: string): Promise<number> {
  const want = await oracle(siteId);
  expect(await answers(siteId)).toEqual(want);
  return want.reduce((n, w) => n + (w.events ?? 0), 0);
}

describe("activity day digests", () => {
  it("count as the scans do, while late, redelivered and merging events keep landing in digested days", async () => {
    const site = await createSite();
    let events = 0;
    let digested = 0;
    await forShuffledDeliveries(site.id, 10, async (payloads) => {
      for (const payload of payloads) {
        await storePayloads(env, [payload]);
        events += await compare(site.id);
      }
      digested = Math.max(digested, await digestedDays(site.id));
    });
    expect(events).toBeGreaterThan(0);
    expect(digested).toBeGreaterThan(0);
  }, 240_000); // some 500 comparisons, ten answers under five filters each

  it("keep counting the same through an erasure, raw ageing and a merge of aged people", async () => {
    const site = await createSite({ rawRetentionDays: 10 });
    // Anonymous only: eight people who stay apart until the merge below.
    const events = fc.sample(spec, { numRuns: 300, seed: 5 }).map((s, i) => enriched({ ...s, user: null }, i, 9100));
    await storePayloads(env, [{ siteId: site.id, archiveKey: `act/${site.id}/0`, part: 0, parts: 1, events, filtered: [] }]);
    expect(await compare(site.id)).toBeGreaterThan(0);
    expect(await digestedDays(site.id)).toBeGreaterThan(0);

    // An erasure: the days of the erased person's events count without them.
    const { person_id } = (await env.DB.prepare("SELECT person_id FROM person_state WHERE site_id = ? ORDER BY last_ts - first_ts DESC LIMIT 1")
      .bind(site.id).first<{ person_id: string }>())!;
    const res = await SELF.fetch(`http://parcours.test/api/admin/sites/${site.id}/people/${encodeURIComponent(person_id)}`, {
      method: "DELETE", headers: { authorization: `Bearer ${env.PARCOURS_ADMIN_TOKEN}` },
    });
    expect(res.status, await res.text()).toBeLessThan(300);
    await compare(site.id);

    // Raw ageing: the digests built before keep the aged days; rebuilt from the states, the same.
    const before = await answers(site.id);
    await ageRawEvents(env.DB, (await siteById(env.DB, site.id, 0))!, BASE + 30 * DAY);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM events WHERE site_id = ? AND ts < ?").bind(site.id, BASE + 20 * DAY).first("n")).toBe(0);
    expect(await answers(site.id)).toEqual(before);
    await env.DB.prepare("UPDATE activity_days SET built_seq = NULL WHERE site_id = ?").bind(site.id).run();
    expect(await answers(site.id)).toEqual(before);
    await compare(site.id);

    // Two people whose events of one day have aged out become one: that day counts one person fewer.
    const personOf = new Map((await env.DB.prepare("SELECT ident_key, person_id FROM identities WHERE site_id = ?").bind(site.id)
      .raw<[string, string]>()).map(([k, p]) => [k, p]));
    const firstOnDay = new Map<number, { key: string; person: string }>();
    let pair: { a: string; b: string; day: number } | null = null;
    for (const e of events) {
      const key = `a:${e.anonymousId}`;
      const person = personOf.get(e.userId ? `u:${e.userId}` : key);
      const day = Math.floor(e.ts / DAY);
      if (!person || e.ts >= BASE + 20 * DAY) continue;
      const other = firstOnDay.get(day);
      if (!other) firstOnDay.set(day, { key, person });
      else if (other.person !== person) {
        pair = { a: other.key, b: key, day: day * DAY };
        break;
      }
    }
    expect(pair).not.toBeNull();
    const seriesBefore = (await answers(site.id))[FILTERS.length].series;
    const merging = [pair!.a, pair!.b].map((k, i) => ({
      ...enriched({ anon: 0, user: 0, name: 0, minute: 40 * 24 * 60 - 5, channel: 0, explicit: false, campaign: null }, 2000 + i, 9100),
      anonymousId: k.slice(2), userId: "u-merged",
    }));
    await storePayloads(env, [{ siteId: site.id, archiveKey: `act/${site.id}/1`, part: 0, parts: 1, events: merging, filtered: [] }]);
    await compare(site.id);
    const seriesAfter = (await answers(site.id))[FILTERS.length].series;
    expect(seriesAfter.find((r) => r.bucket === pair!.day)!.people).toBe(seriesBefore.find((r) => r.bucket === pair!.day)!.people - 1);
  });
});
