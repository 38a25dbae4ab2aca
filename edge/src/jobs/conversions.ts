// `conversion` webhooks: each conversion stored since the last sweep (the site's cursor over event
// row ids, act/cursor.ts), with the credits of its own journey under the site's chosen rule-based
// model, so a CRM can record which channels earned the sale. Swept by the cron rather than sent by
// the ingest consumer: the hot path stays as fast, and a late touchpoint of the same batch is in.
// Sent once per message id, whatever the cursor does.
import type { Bindings, Site } from "../env";
import type { WebhookRow } from "../db/schema";
import { emit } from "../act/emit";
import { CONVERSION_CURSOR, moveCursor, readCursor } from "../act/cursor";
import { DEFAULT_WEBHOOK_MODEL, type WebhookModel } from "../act/models";
import { DAY_MS, type Journey } from "../query/journeys";
import { loadJourneys } from "../query/load/journeys";
import { byPerson, personOfKeys } from "../query/load/sql";
import { userIdsOf } from "../query/load/aggregates";
import { toAttributionJourneys } from "../query/attribution/attribute";
import { creditByRule, firstTouch, lastNonDirect, lastTouch, linear, positionBased, timeDecay, type Weigh } from "../query/attribution/rules";
import { siteDb } from "../sites/site-db";

const WEIGH: Record<WebhookModel, Weigh> = {
  position_based: positionBased, linear, time_decay: timeDecay, first_touch: firstTouch, last_touch: lastTouch, last_non_direct: lastNonDirect,
};

const PER_SWEEP = 200;

interface StoredConversion { id: number; identKey: string; event: string; ts: number; revenue: number | null; messageId: string; receivedAt: number }

// The consumer stores events, then updates the touched people's journeys in a second step: a sweep
// that runs in between sees the conversion before its journey. It stops there and takes it up on
// the next run; past this age a conversion with no journey still goes out (with no credits) rather
// than holding back every later one.
const JOURNEY_WAIT_MS = 15 * 60_000;

/** Credit shares (adding up to 1) of one converting journey by channel, under a rule-based model. */
export function journeyCredits(journey: Journey, model: WebhookModel): Record<string, number> {
  return { ...creditByRule(toAttributionJourneys([journey], "channel", "count"), WEIGH[model]) };
}

export async function sendConversions(env: Bindings, site: Site, now: number, hooks: WebhookRow[]): Promise<number> {
  const db = siteDb(env, site);
  const cursor = await readCursor(db, site.id, CONVERSION_CURSOR);
  if (cursor === null) return 0; // no destination has taken conversions yet
  const { results: rows } = await db.prepare(
    `SELECT id, ident_key AS identKey, event, ts, revenue, message_id AS messageId, received_at AS receivedAt FROM events
     WHERE site_id = ? AND id > ? AND is_conversion = 1 ORDER BY id LIMIT ?`).bind(site.id, cursor, PER_SWEEP).all<StoredConversion>();
  if (rows.length === 0) return 0;
  const model = (site.settings.attributionModel ?? DEFAULT_WEBHOOK_MODEL) as WebhookModel;
  const lookbackMs = (site.settings.lookbackDays ?? 30) * DAY_MS;
  const people = await personOfKeys(db, site.id);
  const from = Math.min(...rows.map((r) => r.ts));
  const to = Math.max(...rows.map((r) => r.ts));
  const journeysOf = new Map<string, Journey[]>();
  for (const event of new Set(rows.map((r) => r.event))) {
    journeysOf.set(event, await loadJourneys(db, site.id, { from, to, conversion: event, lookbackMs, filter: {} }));
  }
  const personIds = [...new Set(rows.map((r) => people.get(r.identKey) ?? r.identKey))];
  const users = byPerson(await userIdsOf(db, site.id, personIds), (u) => u.userId);
  const items = [];
  let last = cursor;
  for (const r of rows) {
    const personId = people.get(r.identKey) ?? r.identKey;
    const journey = journeysOf.get(r.event)!.find((j) => j.personId === personId && j.conversion?.ts === r.ts);
    if (!journey && now - r.receivedAt < JOURNEY_WAIT_MS) break;
    last = r.id;
    items.push({
      key: `conversion:${r.messageId}`,
      data: {
        personId, userIds: users.get(personId) ?? [], event: r.event, messageId: r.messageId,
        timestamp: new Date(r.ts).toISOString(), revenue: r.revenue, model,
        credits: journey ? journeyCredits(journey, model) : {},
        touchpoints: (journey?.touchpoints ?? []).map((t) => ({ timestamp: new Date(t.ts).toISOString(), channel: t.channel, source: t.source, campaign: t.campaign })),
      },
    });
  }
  const sent = await emit(env, site, "conversion", items, now, hooks);
  if (last > cursor) await moveCursor(db, site.id, CONVERSION_CURSOR, last).run();
  return sent;
}
