// Step after store: recompute the journey state of the people a batch touched, and only theirs.
// A person's state is folded from what ageing froze (their old state before the site's raw
// horizon) and what their raw rows from the horizon on say now, so a late event, an identity merge
// or a redelivered batch gives the same state as if everything had arrived in order, once.
import { chunks, CHUNK } from "./chunks";
import { conversionsOf, foldState, latestStage, packState, stateSpan, unpackState, withLate, type PersonState, type StateEvent, type StateTouch } from "../core/person-state";
import { packJourney } from "../core/journey-pack";
import { personJourneys, DAY_MS, type Touch } from "../core/journeys";
import type { SiteSettings } from "../db/schema";
import { fenceCheck } from "../sites/move-fence";

const json = (v: unknown) => JSON.stringify(v);

// The people of the touched identities, and every identity of theirs (a merge joins old ones).
// CROSS JOIN fixes the join order: left to itself SQLite drives these from the site's whole range
// of sessions or explicit events and probes the few people against each (a quadratic stall).
const PEOPLE = `p AS (SELECT DISTINCT i.person_id FROM json_each(?2) j CROSS JOIN identities i ON i.site_id = ?1 AND i.ident_key = j.value),
  k AS (SELECT i.ident_key, i.person_id FROM p CROSS JOIN identities i ON i.site_id = ?1 AND i.person_id = p.person_id),
  h AS (SELECT COALESCE((SELECT aged_before FROM journey_meta WHERE site_id = ?1), 0) AS at)`;

/** API.md's touchpoints of those people from the horizon on (query/load/journeys TOUCHPOINTS_SQL). */
const TOUCHES_SQL = `WITH ${PEOPLE}
  SELECT k.person_id AS personId, s.start_ts AS ts, s.channel, s.source, s.campaign, s.country, s.device, 1 AS session, s.id AS sid, NULL AS event
  FROM k CROSS JOIN sessions s INDEXED BY sessions_ident ON s.site_id = ?1 AND s.ident_key = k.ident_key WHERE s.start_ts >= (SELECT at FROM h)
  UNION ALL
  SELECT k.person_id, e.ts, e.channel, e.source, e.campaign, e.country, e.device, 0, NULL, COALESCE(e.event, e.type)
  FROM k CROSS JOIN events e ON e.site_id = ?1 AND e.ident_key = k.ident_key CROSS JOIN sessions s ON s.id = e.session_id
  WHERE e.ts >= (SELECT at FROM h) AND e.channel_explicit = 1 AND e.channel <> s.channel
  ORDER BY ts`;

const EVENTS_SQL = `WITH ${PEOPLE}
  SELECT k.person_id AS personId, e.ts, e.event AS name, e.stage, e.revenue, e.channel, e.source, e.campaign, e.country, e.device,
    CASE WHEN e.channel_explicit = 1 THEN e.channel ELSE s.channel END AS "in", e.session_id AS sid, e.type
  FROM k CROSS JOIN events e ON e.site_id = ?1 AND e.ident_key = k.ident_key CROSS JOIN sessions s ON s.id = e.session_id
  WHERE e.ts >= (SELECT at FROM h)
  ORDER BY e.ts, e.id`;

/**
 * The batch's own events older than the horizon (late arrivals): the raw rows before it are not
 * read again, so these are folded into the old state here, once (core/person-state withLate).
 * Each row is an event; `opens` when it began its session (a touchpoint at the session's start),
 * `switches` when it named a channel other than its session's (a touchpoint of its own).
 */
const LATE_SQL = `SELECT i.person_id AS personId, e.ts, e.event AS name, e.stage, e.revenue, e.channel, e.source, e.campaign, e.country, e.device,
    CASE WHEN e.channel_explicit = 1 THEN e.channel ELSE s.channel END AS "in", e.type, s.start_ts = e.ts AS opens,
    e.channel_explicit = 1 AND e.channel <> s.channel AS switches,
    s.channel AS sChannel, s.source AS sSource, s.campaign AS sCampaign, s.country AS sCountry, s.device AS sDevice
  FROM json_each(?2) j CROSS JOIN events e ON e.site_id = ?1 AND e.message_id = j.value
  CROSS JOIN sessions s ON s.id = e.session_id CROSS JOIN identities i ON i.site_id = ?1 AND i.ident_key = e.ident_key
  WHERE e.ts < COALESCE((SELECT aged_before FROM journey_meta WHERE site_id = ?1), 0)
  ORDER BY e.ts, e.id`;

interface LateRow extends StateEvent {
  personId: string;
  type: string;
  opens: number;
  switches: number;
  sChannel: string;
  sSource: string | null;
  sCampaign: string | null;
  sCountry: string | null;
  sDevice: string | null;
}

/** A late row as state: the event, and the touchpoints it makes. */
function lateState({ personId: _, type, opens, switches, sChannel, sSource, sCampaign, sCountry, sDevice, ...e }: LateRow): PersonState {
  const touches: StateTouch[] = [];
  const event = e.name ?? type;
  if (opens) touches.push({ ts: e.ts, channel: sChannel, source: sSource, campaign: sCampaign, country: sCountry, device: sDevice, session: true, event });
  if (switches) touches.push({ ts: e.ts, channel: e.channel, source: e.source, campaign: e.campaign, country: e.country, device: e.device, session: false, event });
  return { touches, events: [e] };
}

export interface Merge {
  from: string;
  to: string;
}

/** Where each merged-away person's state goes: follow the merges to the person that survives. */
export function survivorOf(merges: Merge[]): (personId: string) => string {
  const next = new Map(merges.map((m) => [m.from, m.to]));
  return (p) => {
    const seen = new Set<string>();
    while (next.has(p) && !seen.has(p)) {
      seen.add(p);
      p = next.get(p)!;
    }
    return p;
  };
}

/** What the journeys table depends on in the settings. */
export const journeysKey = (s: SiteSettings) => JSON.stringify({ conversions: s.conversions, lookbackDays: s.lookbackDays ?? 30 });

/** Journeys of a state for each declared conversion, under the site's lookback. */
export function journeysOfState(personId: string, state: PersonState, conversions: string[], lookbackMs: number) {
  return conversions.flatMap((conversion) => {
    return personJourneys(personId, state.touches, conversionsOf(state.events, conversion), lookbackMs).map((j) => ({ conversion, journey: j }));
  });
}

/**
 * Recomputes and writes the state and journeys of every person behind `identKeys`, folding in
 * the people merged away by this batch. Reads run in one D1 batch, so the raw rows and the
 * horizon they are cut at are one snapshot even while the cron ages raw events out.
 * `messageIds`: the batch's events; those older than the horizon are folded into the old state.
 */
export async function refreshPeople(db: D1Database, siteId: string, settings: SiteSettings, identKeys: string[], merges: Merge[],
  messageIds: string[] = []): Promise<number> {
  if (identKeys.length === 0) return 0;
  const keys = json(identKeys);
  const mergedAway = merges.map((m) => m.from);
  const [horizon, people, olds, touches, events, late] = await db.batch([
    db.prepare("SELECT COALESCE((SELECT aged_before FROM journey_meta WHERE site_id = ?), 0) AS at").bind(siteId),
    db.prepare(`WITH ${PEOPLE} SELECT person_id AS personId FROM p`).bind(siteId, keys),
    db.prepare(`WITH ${PEOPLE} SELECT ps.person_id AS personId, ps.data FROM (SELECT person_id FROM p UNION SELECT value FROM json_each(?3)) x
      CROSS JOIN person_state ps ON ps.site_id = ?1 AND ps.person_id = x.person_id`).bind(siteId, keys, json(mergedAway)),
    db.prepare(TOUCHES_SQL).bind(siteId, keys),
    db.prepare(EVENTS_SQL).bind(siteId, keys),
    db.prepare(LATE_SQL).bind(siteId, json(messageIds)),
  ]);
  const agedBefore = (horizon.results[0] as { at: number }).at;
  const survivor = survivorOf(merges);
  const oldStates = new Map<string, PersonState[]>();
  for (const { personId, data } of olds.results as { personId: string; data: string }[]) {
    const to = survivor(personId);
    oldStates.set(to, [...(oldStates.get(to) ?? []), unpackState(data)]);
  }
  const fresh = new Map<string, PersonState>();
  const stateOf = (p: string) => fresh.get(p) ?? fresh.set(p, { touches: [], events: [] }).get(p)!;
  // A session's touchpoint is made by its first event (rows come in time order).
  const opener = new Map<string, string>();
  for (const { personId, sid, type, ...e } of events.results as (StateEvent & { personId: string; sid: string; type: string })[]) {
    if (!opener.has(sid)) opener.set(sid, e.name ?? type);
    stateOf(personId).events.push(e);
  }
  for (const { personId, session, sid, event, ...t } of touches.results as (Touch & { personId: string; session: number; sid: string | null; event: string | null })[]) {
    stateOf(personId).touches.push({ ...t, session: session === 1, event: event ?? opener.get(sid!)! });
  }
  const lateOf = new Map<string, PersonState[]>();
  for (const row of late.results as LateRow[]) lateOf.set(row.personId, [...(lateOf.get(row.personId) ?? []), lateState(row)]);

  const ids = (people.results as { personId: string }[]).map((r) => r.personId);
  const states = new Map(ids.map((personId) => {
    const state = foldState(oldStates.get(personId) ?? [], fresh.get(personId) ?? { touches: [], events: [] }, agedBefore);
    return [personId, withLate(state, lateOf.get(personId) ?? [])];
  }));
  const writes = writePeople(db, siteId, settings, states, mergedAway);
  // A late event's day was counted from the states (its raw rows had aged out): the state written
  // just now holds it, so that day's activity digest is stale from here (migration 0020).
  const lateDays = [...new Set((late.results as LateRow[]).map((r) => Math.floor(r.ts / DAY_MS)))];
  if (lateDays.length) {
    writes.push(db.prepare("UPDATE activity_days SET seq = random() & 9007199254740991 WHERE site_id = ? AND day IN (SELECT value FROM json_each(?))")
      .bind(siteId, json(lateDays)));
  }
  await db.batch(writes);
  return ids.length;
}

/**
 * The statements that replace the state and journeys of `states`' people (an empty state deletes
 * the person's row) and drop those of `gone` (people merged away).
 */
export function writePeople(db: D1Database, siteId: string, settings: SiteSettings, states: Map<string, PersonState>, gone: string[]): D1PreparedStatement[] {
  const lookbackMs = (settings.lookbackDays ?? 30) * DAY_MS;
  const stateRows: unknown[][] = [];
  const journeyRows: unknown[][] = [];
  const emptied: string[] = [];
  for (const [personId, state] of states) {
    const span = stateSpan(state);
    if (span === null) {
      emptied.push(personId);
      continue;
    }
    const stage = latestStage(state);
    stateRows.push([personId, span.first, span.last, stage?.stage ?? null, stage?.ts ?? null, packState(state)]);
    // `n` numbers the person's journeys of one conversion ending at one millisecond (the key's last part).
    const seen = new Map<string, number>();
    for (const { conversion, journey } of journeysOfState(personId, state, settings.conversions, lookbackMs)) {
      const at = `${conversion}\0${journey.endTs}`;
      const n = seen.get(at) ?? 0;
      seen.set(at, n + 1);
      journeyRows.push([conversion, personId, journey.endTs, n, packJourney(journey)]);
    }
  }
  const writes: D1PreparedStatement[] = [
    fenceCheck(db, siteId),
    db.prepare("DELETE FROM person_state WHERE site_id = ? AND person_id IN (SELECT value FROM json_each(?))").bind(siteId, json([...gone, ...emptied])),
    db.prepare("DELETE FROM journeys WHERE site_id = ? AND person_id IN (SELECT value FROM json_each(?))").bind(siteId, json([...gone, ...states.keys()])),
  ];
  for (const part of chunks(stateRows, CHUNK)) {
    writes.push(db.prepare(
      `INSERT INTO person_state (site_id, person_id, first_ts, last_ts, stage, stage_ts, data)
       SELECT ?1, value->>0, value->>1, value->>2, value->>3, value->>4, value->>5 FROM json_each(?2) WHERE true
       ON CONFLICT (site_id, person_id) DO UPDATE SET first_ts = excluded.first_ts, last_ts = excluded.last_ts,
         stage = excluded.stage, stage_ts = excluded.stage_ts, data = excluded.data`).bind(siteId, json(part)));
  }
  for (const part of chunks(journeyRows, CHUNK)) {
    writes.push(db.prepare(
      `INSERT INTO journeys (site_id, conversion, person_id, end_ts, n, data)
       SELECT ?1, value->>0, value->>1, value->>2, value->>3, value->>4 FROM json_each(?2)`).bind(siteId, json(part)));
  }
  // A site's first write names the settings its journeys are kept for; a settings change clears
  // it until a rebuild has recomputed everyone (jobs/rebuild.ts). Every write moves the state
  // version: an answer read between the events' store and this write is not kept past it.
  writes.push(db.prepare(`INSERT INTO journey_meta (site_id, aged_before, journeys_key, state_version) VALUES (?, 0, ?, 1)
    ON CONFLICT (site_id) DO UPDATE SET state_version = state_version + 1`).bind(siteId, journeysKey(settings)));
  return writes;
}
