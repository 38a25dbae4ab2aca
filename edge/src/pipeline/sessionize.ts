// Sessions: a run of one identity's events with no gap over the inactivity window; an event that
// brings a new campaign opens a new one. Event time decides, not arrival order: a late event lands
// in the session it belongs to, extends it backwards, or bridges (merges) two sessions.
// Pure: stored sessions around the batch are an argument, the changes to make are the result.
import type { EnrichedEvent } from "./payload";
import { identKeyOf } from "./stitch";

export interface SessionState {
  id: string;
  identKey: string;
  startTs: number;
  endTs: number;
  events: number;
  channel: string;
  source: string | null;
  medium: string | null;
  campaign: string | null;
  campaignKey: string | null;
  landingPath: string | null;
  country: string | null;
  device: string | null;
}

export interface SessionizeResult {
  /** Sessions to insert or update, in their final state. */
  upserts: SessionState[];
  /** Sessions absorbed by another: delete them and move their events to `to`. */
  merged: { from: string; to: string }[];
  /** messageId -> session id. */
  assignment: Map<string, string>;
}

function fromEvent(e: EnrichedEvent, id: string): SessionState {
  return {
    id, identKey: identKeyOf(e), startTs: e.ts, endTs: e.ts, events: 1,
    channel: e.channel, source: e.source, medium: e.medium, campaign: e.campaign, campaignKey: e.campaignKey,
    landingPath: e.path, country: e.country, device: e.device,
  };
}

/** The session's attribution comes from its first event; a late earlier event takes that role. */
function takeStart(s: SessionState, e: EnrichedEvent) {
  const { id, identKey, endTs, events } = s;
  Object.assign(s, fromEvent(e, id), { identKey, endTs, events });
}

export function sessionize(stored: SessionState[], events: EnrichedEvent[], gapMs: number, newId: () => string): SessionizeResult {
  const byKey = new Map<string, SessionState[]>();
  for (const s of stored) {
    const list = byKey.get(s.identKey) ?? [];
    list.push({ ...s });
    byKey.set(s.identKey, list);
  }
  const touched = new Set<SessionState>();
  const merged: { from: string; to: string }[] = [];
  const assignment = new Map<string, string>();

  const ordered = [...events].sort((a, b) => a.ts - b.ts);
  for (const e of ordered) {
    const key = identKeyOf(e);
    const list = byKey.get(key) ?? [];
    byKey.set(key, list);
    const near = list.filter((s) => e.ts >= s.startTs - gapMs && e.ts <= s.endTs + gapMs).sort((a, b) => a.startTs - b.startTs);
    // A new campaign opens a new session (the common web definition): the event continues the
    // latest session begun by its time unless it brings another campaign, and the sessions after
    // it join in until one whose start brings another campaign. So a campaign's session is never
    // merged back into the one before it, nor started by an earlier event without that campaign.
    const continues = (campaignKey: string | null, sessionKey: string | null) => campaignKey === null || campaignKey === sessionKey;
    const prior = near.filter((s) => s.startTs <= e.ts).at(-1);
    const joinsPrior = prior !== undefined && continues(e.campaignKey, prior.campaignKey);
    const campaign = joinsPrior ? prior.campaignKey : e.campaignKey;
    const later = near.filter((s) => s.startTs > e.ts);
    const stop = later.findIndex((s) => !continues(s.campaignKey, campaign));
    const fit = [...(joinsPrior ? [prior] : []), ...(stop < 0 ? later : later.slice(0, stop))];
    if (fit.length === 0) {
      const s = fromEvent(e, newId());
      list.push(s);
      touched.add(s);
      assignment.set(e.messageId, s.id);
      continue;
    }
    const [target, ...rest] = fit;
    for (const other of rest) {
      // The event bridges two sessions: they become one, keeping the earlier.
      target.endTs = Math.max(target.endTs, other.endTs);
      target.events += other.events;
      list.splice(list.indexOf(other), 1);
      touched.delete(other);
      merged.push({ from: other.id, to: target.id });
      for (const [m, sid] of assignment) if (sid === other.id) assignment.set(m, target.id);
    }
    if (e.ts < target.startTs) takeStart(target, e);
    target.endTs = Math.max(target.endTs, e.ts);
    target.events += 1;
    touched.add(target);
    assignment.set(e.messageId, target.id);
  }
  return { upserts: [...touched], merged, assignment };
}
