// GDPR: export everything held about a person, or erase it — events, sessions, identity links
// (so every rollup computed from them forgets the person too) and their messages in the R2 archive.
import type { Bindings } from "../env";
import type { QueuePayload } from "../pipeline/payload";

export interface PersonKeys { personId: string; keys: string[]; userIds: string[]; anonymousIds: string[] }

/** Finds a person by person id, userId or anonymousId. */
export async function resolvePerson(db: D1Database, siteId: string, id: string): Promise<PersonKeys | null> {
  const row = await db.prepare(
    `SELECT person_id FROM identities WHERE site_id = ?1 AND (person_id = ?2 OR ident_key = 'u:' || ?2 OR ident_key = 'a:' || ?2)
     ORDER BY (person_id = ?2) DESC, (ident_key = 'u:' || ?2) DESC LIMIT 1`).bind(siteId, id).first<{ person_id: string }>();
  if (!row) return null;
  const { results } = await db.prepare("SELECT ident_key FROM identities WHERE site_id = ? AND person_id = ?")
    .bind(siteId, row.person_id).all<{ ident_key: string }>();
  const keys = results.map((r) => r.ident_key);
  return {
    personId: row.person_id, keys,
    userIds: keys.filter((k) => k.startsWith("u:")).map((k) => k.slice(2)),
    anonymousIds: keys.filter((k) => k.startsWith("a:")).map((k) => k.slice(2)),
  };
}

const keysParam = (p: PersonKeys) => JSON.stringify(p.keys);

export async function exportPerson(db: D1Database, siteId: string, id: string) {
  const p = await resolvePerson(db, siteId, id);
  if (!p) return null;
  // Events keyed by the device's anonymousId may still carry the userId: match both columns.
  const { results } = await db.prepare(
    `SELECT message_id AS messageId, type, event, user_id AS userId, anonymous_id AS anonymousId, session_id AS sessionId, ts, channel,
            source, medium, campaign, stage, revenue, path, country, device, browser, os, properties, context
     FROM events WHERE site_id = ?1 AND ident_key IN (SELECT value FROM json_each(?2)) ORDER BY ts`).bind(siteId, keysParam(p)).all();
  // Engagement reports (scroll depth, engaged time) are kept apart from events, and are theirs too.
  const engagement = await db.prepare(
    `SELECT message_id AS messageId, ts, path, scroll_depth AS scrollDepth, engaged_ms AS engagedMs
     FROM page_engagement WHERE site_id = ?1 AND ident_key IN (SELECT value FROM json_each(?2)) ORDER BY ts`).bind(siteId, keysParam(p)).all();
  return {
    ...p,
    events: results.map((r) => ({ ...r, timestamp: new Date(r.ts as number).toISOString(),
      properties: r.properties ? JSON.parse(r.properties as string) : null, context: r.context ? JSON.parse(r.context as string) : null })),
    engagement: engagement.results.map(({ ts, ...r }) => ({ ...r, timestamp: new Date(ts as number).toISOString() })),
  };
}

/** Rewrites every archived batch that mentions the person, without their messages. */
async function eraseFromArchive(bucket: R2Bucket, siteId: string, p: PersonKeys): Promise<number> {
  const ids = new Set([...p.userIds, ...p.anonymousIds]);
  const mentions = (e: { userId: string | null; anonymousId: string | null; previousId?: string | null }) =>
    (e.userId !== null && ids.has(e.userId)) || (e.anonymousId !== null && ids.has(e.anonymousId)) || (e.previousId != null && ids.has(e.previousId));
  let rewritten = 0;
  let cursor: string | undefined;
  do {
    const list = await bucket.list({ prefix: `raw/${siteId}/`, cursor, limit: 1000 });
    cursor = list.truncated ? list.cursor : undefined;
    for (const o of list.objects) {
      const obj = await bucket.get(o.key);
      if (!obj) continue;
      const text = await obj.text();
      if (![...ids].some((id) => text.includes(JSON.stringify(id)))) continue;
      const payloads = text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as QueuePayload);
      const kept = payloads.map((pl) => ({ ...pl, events: pl.events.filter((e) => !mentions(e)) }));
      await bucket.put(o.key, kept.map((k) => JSON.stringify(k)).join("\n") + "\n");
      rewritten++;
    }
  } while (cursor);
  return rewritten;
}

/** `db` is the site's database now (siteNow, not a cached record: a move may just have switched it). */
export async function deletePerson(env: Pick<Bindings, "ARCHIVE">, db: D1Database, siteId: string, id: string) {
  const p = await resolvePerson(db, siteId, id);
  if (!p) return null;
  const k = keysParam(p);
  // Counted before: D1's meta.changes would count what the delete triggers write too (migration 0020).
  const [events] = await db.batch([
    db.prepare("SELECT count(*) AS n FROM events WHERE site_id = ?1 AND ident_key IN (SELECT value FROM json_each(?2))").bind(siteId, k),
    db.prepare("DELETE FROM events WHERE site_id = ?1 AND ident_key IN (SELECT value FROM json_each(?2))").bind(siteId, k),
    db.prepare("DELETE FROM sessions WHERE site_id = ?1 AND ident_key IN (SELECT value FROM json_each(?2))").bind(siteId, k),
    db.prepare("DELETE FROM page_engagement WHERE site_id = ?1 AND ident_key IN (SELECT value FROM json_each(?2))").bind(siteId, k),
    db.prepare("DELETE FROM identities WHERE site_id = ?1 AND person_id = ?2").bind(siteId, p.personId),
    // A churn score and its factors describe the person's behaviour: they go with the rest.
    db.prepare("DELETE FROM churn_scores WHERE site_id = ?1 AND person_id = ?2").bind(siteId, p.personId),
    db.prepare("DELETE FROM person_state WHERE site_id = ?1 AND person_id = ?2").bind(siteId, p.personId),
    db.prepare("DELETE FROM journeys WHERE site_id = ?1 AND person_id = ?2").bind(siteId, p.personId),
    // A running rebuild's copy of their archived events (jobs/rebuild.ts) goes too.
    db.prepare("DELETE FROM rebuild_events WHERE site_id = ?1 AND ident_key IN (SELECT value FROM json_each(?2))").bind(siteId, k),
    // Webhook bodies name the person (stalled, at-risk, conversion): the log keeps none of them,
    // and the once-only marks keyed by the person go too.
    // (A Slack body is only text: it goes when it names the person or one of their user ids.)
    db.prepare(`DELETE FROM webhook_deliveries WHERE site_id = ?1 AND type IN ('journey.stalled', 'person.at_risk', 'conversion')
      AND (json_extract(body, '$.data.personId') = ?2 OR (json_extract(body, '$.text') IS NOT NULL AND (instr(body, ?2) > 0
        OR EXISTS (SELECT 1 FROM json_each(?3) WHERE value LIKE 'u:%' AND instr(body, substr(value, 3)) > 0))))`).bind(siteId, p.personId, k),
    db.prepare("DELETE FROM act_sent WHERE site_id = ?1 AND (key = 'risk:' || ?2 OR key LIKE 'rule:%:' || ?2 || ':%')").bind(siteId, p.personId),
  ]);
  const archivedBatches = await eraseFromArchive(env.ARCHIVE, siteId, p);
  return { personId: p.personId, deletedEvents: (events.results[0] as { n: number }).n, archivedBatchesRewritten: archivedBatches };
}
