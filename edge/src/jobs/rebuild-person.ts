// One person's history recomputed from their archived events under the site's settings now: the
// sessions of each of their identities (sessionGapMinutes), each event's stage (stages) and the
// journey state the pipeline would have built had every event arrived under these settings.
// Pure: staged rows in, sessions, per-event assignments and state out.
import type { EnrichedEvent } from "../pipeline/payload";
import { sessionize, type SessionState } from "../pipeline/sessionize";
import type { PersonState, StateEvent, StateTouch } from "../core/person-state";

/** What a rebuild keeps of an archived event (rebuild_events.data, a JSON array in this order). */
export type StagedEvent = { identKey: string } & Pick<EnrichedEvent, "messageId" | "ts" | "type" | "event" | "channel" | "channelExplicit"
  | "source" | "medium" | "campaign" | "campaignKey" | "path" | "country" | "device" | "revenue">;

type Data = [EnrichedEvent["type"], string | null, string, 0 | 1, string | null, string | null, string | null, string | null, string | null, string | null, string | null, number | null];

export function stagedData(e: EnrichedEvent): string {
  const data: Data = [e.type, e.event, e.channel, e.channelExplicit ? 1 : 0, e.source, e.medium, e.campaign, e.campaignKey, e.path, e.country, e.device, e.revenue];
  return JSON.stringify(data);
}

export function fromStaged(messageId: string, identKey: string, ts: number, data: string): StagedEvent {
  const [type, event, channel, explicit, source, medium, campaign, campaignKey, path, country, device, revenue] = JSON.parse(data) as Data;
  return { messageId, identKey, ts, type, event, channel, channelExplicit: explicit === 1, source, medium, campaign, campaignKey, path, country, device, revenue };
}

/** Sessionize takes enriched events and finds the identity from the ids: give it back the key. */
function asEnriched(e: StagedEvent): EnrichedEvent {
  const anon = e.identKey.startsWith("a:");
  return {
    ...e, userId: anon ? null : e.identKey.slice(2), anonymousId: anon ? e.identKey.slice(2) : null, previousId: null,
    receivedAt: e.ts, stage: null, isConversion: false, region: null, browser: null, os: null, properties: null, context: null,
  };
}

export interface RebuiltPerson {
  state: PersonState;
  sessions: SessionState[];
  /** messageId -> [session id, stage, is a declared conversion] */
  events: Map<string, [string, string | null, boolean]>;
}

/**
 * @param events   every event of the person's identities, in time order (ties in arrival order)
 * @param stages   event name -> stage (site settings)
 */
export function rebuildPerson(events: StagedEvent[], gapMs: number, stages: Record<string, string>, conversions: string[],
  newId: () => string): RebuiltPerson {
  const { upserts: sessions, assignment } = sessionize([], events.map(asEnriched), gapMs, newId);
  const sessionOf = new Map(sessions.map((s) => [s.id, s]));
  // A session's touchpoint is made by its first event.
  const opener = new Map<string, string>();
  for (const e of events) {
    const id = assignment.get(e.messageId)!;
    if (!opener.has(id)) opener.set(id, e.event ?? e.type);
  }
  const touches: StateTouch[] = sessions.map((s) => ({
    ts: s.startTs, channel: s.channel, source: s.source, campaign: s.campaign, country: s.country, device: s.device, session: true, event: opener.get(s.id)!,
  }));
  const stateEvents: StateEvent[] = [];
  const assigned = new Map<string, [string, string | null, boolean]>();
  for (const e of events) {
    const session = sessionOf.get(assignment.get(e.messageId)!)!;
    // Own keys only, as enrich reads them: an event named "constructor" has no stage.
    const stage = e.event !== null && Object.hasOwn(stages, e.event) ? stages[e.event] : null;
    assigned.set(e.messageId, [session.id, stage, e.event !== null && conversions.includes(e.event)]);
    const place = { channel: e.channel, source: e.source, campaign: e.campaign, country: e.country, device: e.device };
    if (e.channelExplicit && e.channel !== session.channel) touches.push({ ts: e.ts, ...place, session: false, event: e.event ?? e.type });
    stateEvents.push({ ts: e.ts, name: e.event, stage, revenue: e.revenue, ...place, in: e.channelExplicit ? e.channel : session.channel });
  }
  touches.sort((a, b) => a.ts - b.ts);
  return { state: { touches, events: stateEvents }, sessions, events: assigned };
}
