// The /stalled rows: who did `started` and not `expected` within `afterMs`, each with what an
// adviser needs to follow up. Shared by the read route and the follow-up rules of the cron (jobs/
// imports it; it imports nothing of jobs/), so a webhook's `data` is exactly the row /stalled shows.
import type { StalledPerson } from "./api";
import { namedEvents, touchpointsOf, userIdsOf, type LastTouchRow } from "./load/aggregates";
import { partsOf } from "./load/horizon";
import { stagesInRange, statesOf } from "./load/state";
import { inRange, type Common, type Range } from "./params";
import { byPerson } from "./load/sql";
import { loadJourneys, type JourneyQuery } from "./load/journeys";
import { nextBestTouchpoints, suggestionFor } from "./marketing/next-best";
import { contactChannel, stalledPeople } from "./stalled";

/** A row is the read API's StalledPerson: the webhook's `data` and /stalled's row are one type. */
export type StalledRow = StalledPerson;

export interface StalledQuery {
  started: string;
  expected: string;
  afterMs: number;
  limit: number;
  /** Journeys for the next best touchpoint (range, filter, conversion and lookback). */
  journeys: JourneyQuery;
}

/** Judged at `common.to`: a start counts once its wait has passed by then. */
export async function stalledRows(db: D1Database, siteId: string, common: Common, q: StalledQuery): Promise<StalledRow[]> {
  const events = await namedEvents(db, siteId, common, common.filter, [q.started, q.expected], { version: q.journeys.version, withChannel: false });
  const stalled = stalledPeople(events, q.started, q.expected, q.afterMs, common.to).slice(0, q.limit);
  const ids = stalled.map((s) => s.personId);
  // The suggestion needs every journey and the stages of their people (what moved people on from
  // each stage): only worth reading when someone is on the list. Stages from the start (a person's
  // stage may have been set long before the range), of everyone in the ranges: the people listed
  // and those whose journeys end in them.
  const everyone = { from: Math.min(common.from, q.journeys.from), to: Math.max(common.to, q.journeys.to) };
  const [touches, users, journeys, stages] = ids.length === 0 ? [[], [], [], new Map()] : await Promise.all([
    lastTouches(db, siteId, common, ids), userIdsOf(db, siteId, ids), loadJourneys(db, siteId, q.journeys), stagesInRange(db, siteId, everyone, common.to),
  ]);
  const best = nextBestTouchpoints(journeys, stages);
  const touchesOf = byPerson(touches, (t) => t);
  const userIdsOfPerson = byPerson(users, (u) => u.userId);
  return stalled.map(({ personId, startedAt }) => {
    const own = touchesOf.get(personId) ?? [];
    const userIds = userIdsOfPerson.get(personId) ?? [];
    const last = own[0];
    const stage = stages.get(personId)?.at(-1)?.stage ?? null;
    return {
      personId,
      userIds,
      startedAt: new Date(startedAt).toISOString(),
      lastTouchpoint: last ? { timestamp: new Date(last.ts).toISOString(), channel: last.channel, event: last.event } : null,
      contactChannel: contactChannel(own.map((t) => t.channel), userIds.length > 0),
      stage,
      nextBestTouchpoint: suggestionFor(best, stage),
    };
  });
}

/**
 * The people's touchpoints of the range, newest first: from the horizon on from the raw sessions
 * and events, before it from their states (which keep each touchpoint's event), so a row reads the
 * same before and after its raw events age out.
 */
async function lastTouches(db: D1Database, siteId: string, range: Range, people: string[]): Promise<LastTouchRow[]> {
  const { raw, aged } = await partsOf(db, siteId, range);
  const [recent, states] = await Promise.all([raw ? touchpointsOf(db, siteId, raw, people) : [], aged ? statesOf(db, siteId, people) : new Map()]);
  const older: LastTouchRow[] = [];
  for (const [personId, s] of states) {
    // Newest first, ties in reverse of the state's order, as the raw part lists them.
    for (const t of [...s.touches].reverse()) if (inRange(t.ts, aged!)) older.push({ personId, ts: t.ts, channel: t.channel, event: t.event ?? null });
  }
  return [...recent, ...older.sort((a, b) => b.ts - a.ts)];
}
