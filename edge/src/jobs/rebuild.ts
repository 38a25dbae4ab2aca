// Rebuild: recompute every person's journey state and journeys of a site from the R2 archive (which
// keeps every accepted event, where D1 keeps raw events only for rawRetentionDays), under the
// site's settings now. Two phases, a slice per queue message, so it runs in the same serial
// consumer as the writes (no race with them) and answers stay available meanwhile (reads fall
// back to the states while the journeys table is marked stale):
//   archive  read the archived batches in key (= arrival) order into rebuild_events, by identity;
//   people   for a slice of people (identities in D1 say who is who), their staged events give
//            their sessions, the stages of their events, their state and journeys; the raw
//            window's sessions and events in D1 are rewritten to match, and their staged rows go.
// An erased person's identities are gone and their archived messages rewritten (admin/person.ts),
// so nothing of theirs comes back: staged rows are only read through the identities.
import type { Bindings, Site } from "../env";
import { sitesNow } from "../sites/catalog";
import { SiteMoving } from "../sites/move-fence";
import { siteDb, type SiteDatabases } from "../sites/site-db";
import { journeysKey, refreshPeople, writePeople } from "../pipeline/journey-state";
import { defaultId, upsertSessions } from "../pipeline/store";
import { DEFAULT_GAP_MIN } from "../pipeline/consumer";
import { deleteInSlices } from "./age-raw";
import { isEngagementReport } from "../pipeline/engagement";
import { identKeyOf } from "../pipeline/stitch";
import { chunks, CHUNK } from "../pipeline/chunks";
import type { QueuePayload } from "../pipeline/payload";
import type { PersonState } from "../core/person-state";
import { fromStaged, rebuildPerson, stagedData, type StagedEvent } from "./rebuild-person";

export interface RebuildStep {
  kind: "rebuild";
  siteId: string;
  /** The last person id of the previous slice (people go in id order); "" in the archive phase. */
  after: string;
  /** Which rebuild this step belongs to: a newer one (settings changed again) stops the older. */
  run?: string;
}

export const isRebuildStep = (body: unknown): body is RebuildStep => (body as RebuildStep | null)?.kind === "rebuild";

const PEOPLE_PER_STEP = 200;
// Archived events read per step: parsing and staging them stays well inside a queue invocation's limits.
const EVENTS_PER_STEP = 20_000;

type Env = SiteDatabases & Pick<Bindings, "QUEUE" | "ARCHIVE">;

const send = (env: Env, step: RebuildStep) => (env.QUEUE as unknown as Queue<RebuildStep>).send(step);

/** Marks the journeys table stale and queues the first slice of the archive phase. */
export async function startRebuild(env: Env, site: Site): Promise<{ id: string; total: number }> {
  const siteId = site.id;
  const db = siteDb(env, site);
  const total = (await db.prepare("SELECT count(DISTINCT person_id) AS n FROM identities WHERE site_id = ?").bind(siteId).first<{ n: number }>())!.n;
  const run = crypto.randomUUID();
  // What an earlier run staged stays: it is the same archive, and rows are keyed by message id.
  await db.prepare(
    `INSERT INTO journey_meta (site_id, aged_before, journeys_key, rebuild_state, rebuild_done, rebuild_total, rebuild_phase, rebuild_cursor, rebuild_staged, rebuild_run)
     VALUES (?1, 0, NULL, 'running', 0, ?2, 'archive', '', 0, ?3)
     ON CONFLICT (site_id) DO UPDATE SET journeys_key = NULL, rebuild_state = 'running', rebuild_done = 0, rebuild_total = ?2,
       rebuild_phase = 'archive', rebuild_cursor = '', rebuild_staged = 0, rebuild_run = ?3`)
    .bind(siteId, total, run).run();
  await send(env, { kind: "rebuild", siteId, after: "", run });
  return { id: siteId, total };
}

interface Meta { phase: string | null; cursor: string; run: string | null }

/** The site's rebuild is still the one of the step (?2; a step queued before runs existed has none). */
const CURRENT = "(?2 IS NULL OR rebuild_run = ?2)";

/** One slice of whichever phase the site's rebuild is in. */
export async function rebuildStep(env: Env, step: RebuildStep, now = Date.now()): Promise<void> {
  // Read now, not cached: a slice must run in the database the site is in after a move.
  const site = (await sitesNow(env.DB, [step.siteId])).get(step.siteId);
  if (!site) return;
  if (site.movingTo) throw new SiteMoving(site.id);
  const db = siteDb(env, site);
  const meta = await db.prepare("SELECT rebuild_phase AS phase, COALESCE(rebuild_cursor, '') AS cursor, rebuild_run AS run FROM journey_meta WHERE site_id = ?")
    .bind(step.siteId).first<Meta>();
  // A step of a rebuild that a newer one replaced (or of none) does nothing; and a newer one
  // starting while this step runs keeps its own progress (every write below is for this run only).
  const run = step.run ?? null;
  if (!meta || (run !== null && run !== meta.run)) return;
  if (meta.phase === "archive") {
    const { done } = await stageArchive(env, db, step.siteId, run, meta.cursor, EVENTS_PER_STEP);
    if (done) await db.prepare(`UPDATE journey_meta SET rebuild_phase = 'people' WHERE site_id = ?1 AND ${CURRENT}`).bind(step.siteId, run).run();
    await send(env, { ...step, after: "" });
    return;
  }
  // Batches archived since the archive phase ended: their events may belong to people still to come.
  // (A step queued before rebuilds read the archive has no phase: it refolds from D1, as it did.)
  if (meta.phase === "people") await stageArchive(env, db, site.id, run, meta.cursor, EVENTS_PER_STEP);
  const rows = await db.prepare(
    `SELECT person_id, json_group_array(ident_key) FROM identities WHERE site_id = ? AND person_id > ?
     GROUP BY person_id ORDER BY person_id LIMIT ${PEOPLE_PER_STEP}`).bind(site.id, step.after).raw<[string, string]>();
  const done = await rebuildPeople(db, site, rows.map(([personId, keys]) => ({ personId, keys: JSON.parse(keys) as string[] })));
  if (rows.length === PEOPLE_PER_STEP) {
    await db.prepare(`UPDATE journey_meta SET rebuild_done = rebuild_done + ?3 WHERE site_id = ?1 AND ${CURRENT}`).bind(site.id, run, done).run();
    await send(env, { ...step, after: rows.at(-1)![0] });
    return;
  }
  // What is still staged belongs to no one now (erased, or never stored): it goes, in slices.
  await deleteInSlices(db, "rebuild_events", `site_id = ?1 AND EXISTS (SELECT 1 FROM journey_meta WHERE site_id = ?1 AND ${CURRENT})`, [site.id, run]);
  await db.batch([
    db.prepare(
      `UPDATE journey_meta SET rebuild_done = rebuild_done + ?3, rebuild_state = 'done', rebuild_phase = NULL, rebuild_cursor = NULL, journeys_key = ?4
       WHERE site_id = ?1 AND ${CURRENT}`).bind(site.id, run, done, journeysKey(site.settings)),
    // The states before the raw horizon were recomputed too (sessions under a new gap, say): every
    // day's activity digest is built again from what the rebuild left.
    db.prepare("UPDATE activity_days SET seq = random() & 9007199254740991 WHERE site_id = ?").bind(site.id),
  ]);
}

/**
 * Reads archived batches after `cursor` into rebuild_events until about `budget` events, and moves
 * the cursor in the same D1 batch (a retried step reads on from where the last one committed).
 * An event archived twice (a sender's retry) is kept once: the first copy, as the consumer keeps it.
 */
async function stageArchive(env: Env, db: D1Database, siteId: string, run: string | null, cursor: string, budget: number): Promise<{ done: boolean }> {
  const rows: [string, string, number, string][] = [];
  let done = false;
  let at = cursor;
  while (rows.length < budget) {
    const list = await env.ARCHIVE.list({ prefix: `raw/${siteId}/`, startAfter: at || undefined, limit: 100 });
    for (const o of list.objects) {
      const obj = await env.ARCHIVE.get(o.key);
      at = o.key;
      if (!obj) continue;
      for (const line of (await obj.text()).split("\n")) {
        if (!line) continue;
        for (const e of (JSON.parse(line) as QueuePayload).events) {
          if (!isEngagementReport(e)) rows.push([e.messageId, identKeyOf(e), e.ts, stagedData(e)]);
        }
      }
      if (rows.length >= budget) break;
    }
    if (!list.truncated && (list.objects.length === 0 || at === list.objects.at(-1)!.key)) {
      done = true;
      break;
    }
  }
  if (rows.length === 0 && at === cursor) return { done };
  await db.batch([
    ...chunks(rows, CHUNK).map((part) => db.prepare(
      `INSERT INTO rebuild_events (site_id, message_id, ident_key, ts, data)
       SELECT ?1, value->>0, value->>1, value->>2, value->>3 FROM json_each(?2) WHERE true ON CONFLICT DO NOTHING`).bind(siteId, JSON.stringify(part))),
    db.prepare(`UPDATE journey_meta SET rebuild_cursor = ?3, rebuild_staged = rebuild_staged + ?4 WHERE site_id = ?1 AND ${CURRENT}`).bind(siteId, run, at, rows.length),
  ]);
  return { done };
}

type RawRow = [messageId: string, identKey: string, ts: number, type: StagedEvent["type"], event: string | null, channel: string, explicit: number,
  source: string | null, medium: string | null, campaign: string | null, campaignKey: string | null, path: string | null, country: string | null,
  device: string | null, revenue: number | null];

/**
 * Recomputes a slice of people from their staged events. A person with none staged (stored
 * without an archive copy: tests, imports) is refolded from their state and raw rows instead.
 */
async function rebuildPeople(db: D1Database, site: { id: string; settings: Parameters<typeof writePeople>[2] }, people: { personId: string; keys: string[] }[]): Promise<number> {
  if (people.length === 0) return 0;
  const keys = JSON.stringify(people.flatMap((p) => p.keys));
  const staged = await db.prepare(`SELECT r.message_id, r.ident_key, r.ts, r.data FROM json_each(?2) j CROSS JOIN rebuild_events r ON r.site_id = ?1 AND r.ident_key = j.value
      ORDER BY r.ts, r.rowid`).bind(site.id, keys).raw<[string, string, number, string]>();
    // The raw rows D1 still holds: each one's session and stage are rewritten; one stored after
    // its batch was staged (read on the next step) is taken as it is, its campaign from its session.
  const raw = await db.prepare(`SELECT e.message_id, e.ident_key, e.ts, e.type, e.event, e.channel, e.channel_explicit, e.source, e.medium, e.campaign,
        CASE WHEN s.start_ts = e.ts THEN s.campaign_key END, e.path, e.country, e.device, e.revenue
      FROM json_each(?2) j CROSS JOIN events e ON e.site_id = ?1 AND e.ident_key = j.value LEFT JOIN sessions s ON s.id = e.session_id
      ORDER BY e.ts, e.id`).bind(site.id, keys).raw<RawRow>();
  const byKey = new Map<string, StagedEvent[]>();
  const add = (e: StagedEvent) => byKey.set(e.identKey, [...(byKey.get(e.identKey) ?? []), e]);
  const stagedIds = new Set<string>();
  for (const [messageId, identKey, ts, data] of staged) {
    stagedIds.add(messageId);
    add(fromStaged(messageId, identKey, ts, data));
  }
  const rawIds = new Set<string>();
  const rawOnly: StagedEvent[] = [];
  for (const r of raw) {
    const [messageId, identKey, ts, type, event, channel, explicit, source, medium, campaign, campaignKey, path, country, device, revenue] = r;
    rawIds.add(messageId);
    if (!stagedIds.has(messageId)) rawOnly.push({ messageId, identKey, ts, type, event, channel, channelExplicit: explicit === 1, source, medium, campaign, campaignKey, path, country, device, revenue });
  }
  const settings = site.settings;
  const gapMs = (settings.sessionGapMinutes ?? DEFAULT_GAP_MIN) * 60_000;
  const states = new Map<string, PersonState>();
  const fallback: string[] = [];
  const rebuiltKeys: string[] = [];
  const sessions: Parameters<typeof upsertSessions>[2] = [];
  const updates: [string, string, string | null, number][] = [];
  const newId = () => defaultId("s_");
  for (const { personId, keys: own } of people) {
    if (!own.some((k) => byKey.has(k))) {
      fallback.push(...own);
      continue;
    }
    const events = [...own.flatMap((k) => byKey.get(k) ?? []), ...rawOnly.filter((e) => own.includes(e.identKey))]
      .sort((a, b) => a.ts - b.ts);
    const rebuilt = rebuildPerson(events, gapMs, settings.stages, settings.conversions, newId);
    states.set(personId, rebuilt.state);
    rebuiltKeys.push(...own);
    // D1 keeps the sessions raw ageing would have kept: those with an event still stored.
    const kept = new Set<string>();
    for (const [messageId, [sessionId, stage, conversion]] of rebuilt.events) {
      if (!rawIds.has(messageId)) continue;
      kept.add(sessionId);
      updates.push([messageId, sessionId, stage, conversion ? 1 : 0]);
    }
    sessions.push(...rebuilt.sessions.filter((s) => kept.has(s.id)));
  }
  const rebuiltJson = JSON.stringify(rebuiltKeys);
  await db.batch([
    db.prepare("DELETE FROM sessions WHERE site_id = ?1 AND ident_key IN (SELECT value FROM json_each(?2))").bind(site.id, rebuiltJson),
    ...upsertSessions(db, site.id, sessions),
    ...chunks(updates, CHUNK).map((part) => db.prepare(
      `UPDATE events SET session_id = u.value->>1, stage = u.value->>2, is_conversion = u.value->>3
       FROM json_each(?2) u WHERE events.site_id = ?1 AND events.message_id = u.value->>0`).bind(site.id, JSON.stringify(part))),
    ...writePeople(db, site.id, settings, states, []),
    db.prepare("DELETE FROM rebuild_events WHERE site_id = ?1 AND ident_key IN (SELECT value FROM json_each(?2))").bind(site.id, rebuiltJson),
  ]);
  if (fallback.length) await refreshPeople(db, site.id, settings, fallback, []);
  return people.length;
}

export async function rebuildProgress(db: D1Database, siteId: string) {
  const row = await db.prepare("SELECT rebuild_state, rebuild_done, rebuild_total, rebuild_phase, rebuild_staged FROM journey_meta WHERE site_id = ?").bind(siteId)
    .first<{ rebuild_state: string | null; rebuild_done: number | null; rebuild_total: number | null; rebuild_phase: string | null; rebuild_staged: number | null }>();
  return {
    state: row?.rebuild_state ?? "none", done: row?.rebuild_done ?? 0, total: row?.rebuild_total ?? 0,
    // While running: "archive" (reading R2; `archivedEvents` so far) or "people" (`done` of `total`).
    phase: row?.rebuild_phase ?? null, archivedEvents: row?.rebuild_staged ?? 0,
  };
}
