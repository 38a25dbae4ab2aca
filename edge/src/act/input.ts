// Validation of the Act admin bodies: destinations, follow-up rules, alerts. Pure; every refusal
// names its field (API.md's error shape).
import type { ApiError } from "@parcours/sdk/wire";
import { invalidField } from "../errors";
import { isPlainObject } from "../lib/guards";
import { ParamError, parseDuration } from "../query/params";
import { ALERT_METRICS, type AlertMetric } from "../query/api";
import { checkDestinationUrl } from "./destination-url";
import { EVENT_TYPES, FORMATS, type EventType, type Format } from "./payload";

type Parsed<T> = { ok: true; value: T } | { ok: false; error: ApiError };
const refuse = (field: string, message: string) => ({ ok: false as const, error: invalidField(field, message) });
const NAME = /^[^\u0000-\u001f]{1,200}$/;

export interface WebhookInput { url: string; events: EventType[]; format: Format }

export function parseWebhookInput(body: unknown, local: boolean): Parsed<WebhookInput> {
  if (!isPlainObject(body)) return refuse("body", "body must be a JSON object");
  const url = checkDestinationUrl(body.url, local);
  if (!url.ok) return refuse("url", url.message);
  const events = body.events;
  if (!Array.isArray(events) || events.length === 0) return refuse("events", `events must list one or more of ${EVENT_TYPES.join(", ")}`);
  for (const [i, e] of events.entries()) {
    if (!EVENT_TYPES.includes(e)) return refuse(`events[${i}]`, `unknown event type; one of ${EVENT_TYPES.join(", ")}`);
  }
  const format = (body.format ?? "json") as Format;
  if (!FORMATS.includes(format)) return refuse("format", "format must be json or slack");
  return { ok: true, value: { url: url.url, events: [...new Set(events as EventType[])], format } };
}

export interface RuleInput { name: string; started: string; expected: string; after: string; afterMs: number; stage: string | null; channel: string | null }

export function parseRuleInput(body: unknown): Parsed<RuleInput> {
  if (!isPlainObject(body)) return refuse("body", "body must be a JSON object");
  for (const k of ["started", "expected"] as const) {
    if (typeof body[k] !== "string" || !NAME.test(body[k] as string)) return refuse(k, `${k} must be an event name`);
  }
  for (const k of ["name", "stage", "channel"] as const) {
    if (body[k] !== undefined && body[k] !== null && (typeof body[k] !== "string" || !NAME.test(body[k] as string))) return refuse(k, `${k} must be a string of 1-200 characters`);
  }
  let after;
  try {
    after = parseDuration((f) => (body[f] === undefined ? undefined : String(body[f])), "after", "3d");
  } catch (e) {
    if (e instanceof ParamError) return refuse(e.field, e.message);
    throw e;
  }
  const started = body.started as string;
  const expected = body.expected as string;
  return {
    ok: true,
    value: {
      name: (body.name as string | undefined) ?? `${started} without ${expected} after ${after.text}`, started, expected,
      after: after.text, afterMs: after.ms, stage: (body.stage as string | null) ?? null, channel: (body.channel as string | null) ?? null,
    },
  };
}

export { ALERT_METRICS, type AlertMetric };
export const PERIODS = ["day", "week"] as const;
export type Period = (typeof PERIODS)[number];

export interface AlertInput {
  name: string; metric: AlertMetric; channel: string | null; period: Period;
  above: number | null; below: number | null; changePct: number | null;
}

export function parseAlertInput(body: unknown): Parsed<AlertInput> {
  if (!isPlainObject(body)) return refuse("body", "body must be a JSON object");
  if (!ALERT_METRICS.includes(body.metric as AlertMetric)) return refuse("metric", `metric must be one of ${ALERT_METRICS.join(", ")}`);
  const metric = body.metric as AlertMetric;
  const period = (body.period ?? "day") as Period;
  if (!PERIODS.includes(period)) return refuse("period", "period must be day or week");
  for (const k of ["name", "channel"] as const) {
    if (body[k] !== undefined && body[k] !== null && (typeof body[k] !== "string" || !NAME.test(body[k] as string))) return refuse(k, `${k} must be a string of 1-200 characters`);
  }
  if ((metric === "cpa" || metric === "roas") && typeof body.channel !== "string") return refuse("channel", `${metric} is a channel's: channel is required`);
  const limits: Record<"above" | "below" | "changePct", number | null> = { above: null, below: null, changePct: null };
  for (const k of ["above", "below", "changePct"] as const) {
    const v = body[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== "number" || !Number.isFinite(v)) return refuse(k, `${k} must be a number`);
    limits[k] = v;
  }
  if (limits.changePct !== null && limits.changePct <= 0) return refuse("changePct", "changePct must be a positive percentage (a change of that size either way)");
  if (limits.above === null && limits.below === null && limits.changePct === null) return refuse("above", "give above, below or changePct");
  return {
    ok: true,
    value: { name: (body.name as string | undefined) ?? `${metric} ${period}`, metric, channel: (body.channel as string | null) ?? null, period, ...limits },
  };
}
