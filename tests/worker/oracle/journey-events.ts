// Random events for the journey store's tests, and every journey question asked of the store
// (answers) and of the scan oracle over the raw tables (oracle).
import { env } from "cloudflare:test";
import fc from "fast-check";
import type { Journey } from "../../../edge/src/core/journeys";
import type { EnrichedEvent, QueuePayload } from "../../../edge/src/pipeline/payload";
import { loadJourneys, type JourneyQuery } from "../../../edge/src/query/load/journeys";
import { namedEvents } from "../../../edge/src/query/load/aggregates";
import { namedEventsOfRange, stagesInRange, touchesOfPeople } from "../../../edge/src/query/load/state";
import { personOfKeys, scanJourneys, scanNamedEvents, scanStages, scanTouchpoints } from "./scan-journeys";
import * as counts from "../../../edge/src/query/load/counts";

export const DAY = 86_400_000;
export const BASE = Date.UTC(2026, 0, 1);
export const CHANNELS = ["web", "email", "phone", "paid_search", "direct"];
export const NAMES = [null, "view_product", "add_to_cart", "quote_requested", "purchase"];

export interface Spec { anon: number; user: number | null; name: number; minute: number; channel: number; explicit: boolean; campaign: number | null }

export const spec: fc.Arbitrary<Spec> = fc.record({
  anon: fc.integer({ min: 0, max: 7 }),
  user: fc.option(fc.integer({ min: 0, max: 3 }), { freq: 3 }),
  name: fc.integer({ min: 0, max: NAMES.length - 1 }),
  minute: fc.integer({ min: 0, max: 40 * 24 * 60 }),
  channel: fc.integer({ min: 0, max: CHANNELS.length - 1 }),
  explicit: fc.boolean(),
  campaign: fc.option(fc.integer({ min: 0, max: 2 }), { freq: 4 }),
});

let seq = 0;
/** The stages sites are created with (tests/worker/helpers createSite). */
export const STAGES: Record<string, string> = { quote_requested: "consideration", purchase: "decision" };

export function enriched(s: Spec, i: number, run: number, stages = STAGES): EnrichedEvent {
  const name = NAMES[s.name];
  return {
    messageId: `m${run}-${i}`, type: name === null ? "page" : "track", event: name,
    userId: s.user === null ? null : `u${run}-${s.user}`, anonymousId: `a${run}-${s.anon}`, previousId: null,
    // Distinct times (a minute grid plus the index): the scan orders ties by row id, the state by arrival.
    ts: BASE + s.minute * 60_000 + i, receivedAt: BASE + 41 * DAY, channel: CHANNELS[s.channel], channelExplicit: s.explicit,
    source: s.campaign === null ? null : "news", medium: s.campaign === null ? null : "email", campaign: s.campaign === null ? null : `c${s.campaign}`,
    campaignKey: s.campaign === null ? null : `news|email|c${s.campaign}`,
    stage: name !== null && Object.hasOwn(stages, name) ? stages[name] : null,
    isConversion: name === "purchase", revenue: name === "purchase" ? 10 + (i % 7) : null, path: "/", country: i % 2 ? "FR" : "DE",
    region: null, device: "desktop", browser: null, os: null, properties: null, context: null,
  };
}

/** Batches in a shuffled order, some delivered twice: late arrivals and redeliveries. */
export function deliveries(events: EnrichedEvent[], siteId: string, cuts: number[], order: number[], again: number[]): QueuePayload[] {
  const parts: EnrichedEvent[][] = [];
  let at = 0;
  for (const c of [...cuts.map((x) => x % Math.max(1, events.length)).sort((a, b) => a - b), events.length]) {
    if (c > at) parts.push(events.slice(at, c));
    at = Math.max(at, c);
  }
  // The parts `order` names first (a later part before an earlier one), then the rest.
  const sequence = [...new Set([...order.map((o) => parts[o % parts.length]), ...parts])];
  for (const a of again) if (sequence.length) sequence.push(sequence[a % sequence.length]);
  return sequence.map((events, part) => ({ siteId, archiveKey: `t/${++seq}`, part, parts: 1, events, filtered: [] }));
}

let runs = 0;

/**
 * Runs `body` on random events of a site delivered as shuffled batches, some twice (fast-check
 * shrinks a failure to a small case). Each run's people are new ones.
 */
export function forShuffledDeliveries(siteId: string, numRuns: number, body: (payloads: QueuePayload[]) => Promise<void>): Promise<void> {
  return fc.assert(fc.asyncProperty(
    fc.array(spec, { minLength: 5, maxLength: 60 }), fc.array(fc.nat(), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 3 }),
    async (specs, cuts, order, again) => {
      const run = ++runs + 100_000;
      await body(deliveries(specs.map((s, i) => enriched(s, i, run)), siteId, cuts, order, again));
    },
  ), { numRuns });
}

export const norm = (js: Journey[]) =>
  js.map((j) => ({ ...j, touchpoints: [...j.touchpoints].sort((a, b) => a.ts - b.ts) }))
    .sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : a.endTs - b.endTs));

export const QUERIES: (Omit<JourneyQuery, "filter"> & { filter?: JourneyQuery["filter"] })[] = [
  { from: BASE + 10 * DAY, to: BASE + 41 * DAY, conversion: "purchase", lookbackMs: 30 * DAY }, // the journeys table
  { from: BASE + 10 * DAY, to: BASE + 41 * DAY, conversion: "purchase", lookbackMs: 7 * DAY }, // states
  { from: BASE + 5 * DAY, to: BASE + 20 * DAY, conversion: "purchase", lookbackMs: 30 * DAY }, // as it stood at `to`
  { from: BASE, to: BASE + 41 * DAY, conversion: "purchase", lookbackMs: 30 * DAY, filter: { channel: "email" } },
  { from: BASE, to: BASE + 41 * DAY, conversion: "quote_requested", lookbackMs: 14 * DAY },
];

export async function answers(siteId: string) {
  const out: unknown[] = [];
  for (const q of QUERIES) out.push(norm(await loadJourneys(env.DB, siteId, { filter: {}, ...q })));
  const range = { from: BASE + 3 * DAY, to: BASE + 33 * DAY };
  out.push(Object.fromEntries(await namedEvents(env.DB, siteId, range, { country: "FR" }, ["purchase", "quote_requested"], { withChannel: true })));
  out.push(Object.fromEntries(await namedEvents(env.DB, siteId, range, {}, null, { withChannel: false })));
  out.push(...(await perPerson(siteId, range, async (filter, names) =>
    new Map([...await namedEventsOfRange(env.DB, siteId, range, filter, names)].map(([personId, { first, events }]) =>
      [personId, { first: first !== null && first.ts <= range.to ? first.channel : null, events: events.map((e) => ({ ts: e.ts, name: e.name, channel: e.in })) }])),
  () => stagesInRange(env.DB, siteId, { from: 0, to: range.to }, range.to), (people) => touchesOfPeople(env.DB, siteId, people, range))));
  return out;
}

type PersonEvents = Map<string, { first: string | null; events: { ts: number; name: string; channel: string | null }[] }>;

/**
 * What the funnel, /stalled and /paths read per person (load/state.ts), asked of everyone: named
 * events with the first-touch channel, with and without a filter; staged events up to the end (of everyone);
 * touchpoints of the range.
 */
async function perPerson(siteId: string, range: { from: number; to: number }, events: (filter: { country?: string }, names: string[] | null) => Promise<PersonEvents>,
  stages: (people: string[]) => Promise<Map<string, unknown>>, touches: (people: string[]) => Promise<Map<string, unknown>>): Promise<unknown[]> {
  const people = (await env.DB.prepare("SELECT DISTINCT person_id FROM identities WHERE site_id = ? ORDER BY person_id").bind(siteId).raw<[string]>()).map(([p]) => p);
  return [
    Object.fromEntries(await events({ country: "FR" }, ["purchase", "quote_requested"])),
    Object.fromEntries(await events({}, null)),
    Object.fromEntries(await stages(people)),
    Object.fromEntries(await touches(people)),
  ];
}

/** The oracle of perPerson: scans of the raw tables. */
async function scanPerPerson(siteId: string, range: { from: number; to: number }) {
  const keys = await personOfKeys(env.DB, siteId);
  const firsts = new Map([...await scanTouchpoints(env.DB, siteId, { from: 0, to: range.to }, keys)].map(([p, list]) => [p, list[0].channel]));
  return perPerson(siteId, range, async (filter, names) =>
    new Map([...await scanNamedEvents(env.DB, siteId, range, filter, names, true)].map(([personId, events]) => [personId, { first: firsts.get(personId) ?? null, events }])),
  async () => scanStages(env.DB, siteId, range.to, keys), async () => scanTouchpoints(env.DB, siteId, range, keys));
}

/** Every count the read API makes, over a range that reaches back past the horizon and one after it. */
export async function countsOf(siteId: string) {
  const out: unknown[] = [];
  for (const range of [{ from: BASE, to: BASE + 41 * DAY }, { from: BASE + 12 * DAY + 5, to: BASE + 22 * DAY - 7 }]) {
    for (const filter of [{}, { channel: "email" }, { country: "FR" }]) {
      out.push(
        await counts.countEventsAndPeople(env.DB, siteId, range, filter),
        await counts.countSessions(env.DB, siteId, range, filter),
        await counts.countTouchpoints(env.DB, siteId, range, filter),
        sortRows(await counts.eventSeries(env.DB, siteId, range, filter, "day", "purchase")),
        sortRows(await counts.sessionSeries(env.DB, siteId, range, filter, "week")),
        await counts.channelCounts(env.DB, siteId, range, filter, "purchase"),
        await counts.eventNames(env.DB, siteId, range, filter),
        [...(await counts.cohortActivity(env.DB, siteId, range, filter, "week")).activeBuckets.values()].map((b) => b.sort().join()).sort(),
      );
    }
  }
  return out;
}

const sortRows = <T extends { bucket: number }>(rows: T[]) => rows.sort((a, b) => a.bucket - b.bucket);

export async function oracle(siteId: string) {
  const out: unknown[] = [];
  for (const q of QUERIES) out.push(norm(await scanJourneys(env.DB, siteId, { filter: {}, ...q })));
  const range = { from: BASE + 3 * DAY, to: BASE + 33 * DAY };
  out.push(Object.fromEntries(await scanNamedEvents(env.DB, siteId, range, { country: "FR" }, ["purchase", "quote_requested"], true)));
  out.push(Object.fromEntries(await scanNamedEvents(env.DB, siteId, range, {}, null, false)));
  out.push(...(await scanPerPerson(siteId, range)));
  return out;
}


/** Answers of two sites compared with person ids left out (they differ between sites), in a fixed order. */
export function comparable(xs: unknown[]) {
  const anon = (x: unknown) => JSON.parse(JSON.stringify(x, (key, v) => (key === "personId" ? undefined : v)));
  return xs.map((x) => (Array.isArray(x) ? anon(x).map((j: unknown) => JSON.stringify(j)).sort() : Object.values(anon(x)).map((v) => JSON.stringify(v)).sort()));
}
