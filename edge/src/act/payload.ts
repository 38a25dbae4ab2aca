// What a delivery carries. API.md: `{"type", "id", "site", "createdAt", "data"}` as JSON, or for a
// Slack incoming webhook `{"text": ...}` with a readable summary of the same facts. Pure.

import { WEBHOOK_EVENTS, WEBHOOK_FORMATS, type WebhookEvent, type WebhookFormat } from "../query/api";

export { WEBHOOK_EVENTS as EVENT_TYPES, WEBHOOK_FORMATS as FORMATS };
export type EventType = WebhookEvent;
/** A test send is taken by every destination, whatever types it subscribed to. */
export const TEST_TYPE = "webhook.test";
export type DeliveryType = EventType | typeof TEST_TYPE;

export type Format = WebhookFormat;

export interface Occurrence {
  type: DeliveryType;
  /** The webhook-id: the same for every destination and every retry of this occurrence. */
  id: string;
  site: string;
  createdAt: number;
  data: Record<string, unknown>;
}

export function jsonBody(o: Occurrence): string {
  return JSON.stringify({ type: o.type, id: o.id, site: o.site, createdAt: new Date(o.createdAt).toISOString(), data: o.data });
}

// Slack reads &, < and > as control characters in text (its "Escaping text" guide): names and
// events come from senders, so they are escaped, never trusted to make a link or a mention.
const esc = (v: unknown) => String(v ?? "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const day = (iso: unknown) => (typeof iso === "string" ? iso.slice(0, 16).replace("T", " ") : "");
const num = (x: unknown, digits = 2) => (typeof x === "number" ? Number(x.toFixed(digits)).toString() : "n/a");
const pct = (x: unknown) => (typeof x === "number" ? `${x >= 0 ? "+" : ""}${x.toFixed(1)}%` : "n/a");

function creditsText(credits: unknown): string {
  if (!credits || typeof credits !== "object") return "";
  return Object.entries(credits as Record<string, number>).sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${esc(k)} ${Math.round(v * 100)}%`).join(", ");
}

/** One readable line or two per delivery type. */
export function slackText(o: Occurrence): string {
  const d = o.data as Record<string, any>;
  switch (o.type) {
    case "journey.stalled": {
      const who = d.userIds?.length ? d.userIds.map(esc).join(", ") : esc(d.personId);
      const last = d.lastTouchpoint ? ` Last touchpoint: ${esc(d.lastTouchpoint.channel)}${d.lastTouchpoint.event ? ` (${esc(d.lastTouchpoint.event)})` : ""} on ${day(d.lastTouchpoint.timestamp)}.` : "";
      return `*Stalled* (${esc(d.rule?.name)}): ${who} did ${esc(d.rule?.started)} on ${day(d.startedAt)} and no ${esc(d.rule?.expected)} within ${esc(d.rule?.after)}.${last}`
        + ` Contact: ${esc(d.contactChannel ?? "unknown")}. Stage: ${esc(d.stage ?? "unknown")}. Next best touchpoint: ${esc(d.nextBestTouchpoint ?? "none")}.`;
    }
    case "person.at_risk":
      return `*At risk*: ${esc(d.userIds?.[0] ?? d.personId)} scores ${num(d.score)} (threshold ${num(d.threshold)}).`
        + (Array.isArray(d.factors) && d.factors.length ? ` Factors: ${d.factors.slice(0, 3).map((f: any) => esc(f.feature)).join(", ")}.` : "");
    case "conversion":
      return `*Conversion*: ${esc(d.event)} by ${esc(d.userIds?.[0] ?? d.personId)}${typeof d.revenue === "number" ? ` (${num(d.revenue)})` : ""}.`
        + ` Credits (${esc(d.model)}): ${creditsText(d.credits) || "none"}.`;
    case "alert":
      return `*Alert* ${esc(d.rule?.name)}: ${esc(d.metric)}${d.channel ? ` (${esc(d.channel)})` : ""} was ${num(d.value)} for the ${esc(d.period)} from ${day(d.from)}`
        + ` (previous ${num(d.previous)}, ${pct(d.changePct)}); ${esc(d.reason)}.`;
    case "digest": {
      const lines = (d.metrics ?? []).map((m: any) => `• ${esc(m.name)}: ${num(m.value)} (${pct(m.changePct)} vs ${num(m.previous)})`);
      const movers = (d.topMovingChannels ?? []).map((m: any) => `${esc(m.channel)} ${m.change >= 0 ? "+" : ""}${num(m.change)}`).join(", ");
      return [`*Weekly digest* for ${esc(o.site)}, week from ${day(d.from)}:`, ...lines,
        `• top moving channels (${esc(d.model)}): ${movers || "none"}`, `• new stalled people: ${num(d.newStalled, 0)}`].join("\n");
    }
    default:
      return `Parcours test delivery for site ${esc(o.site)}: this destination is reachable.`;
  }
}

export const bodyFor = (o: Occurrence, format: Format) => (format === "slack" ? JSON.stringify({ text: slackText(o) }) : jsonBody(o));
