// Step 1 of ingest: turn one untrusted JSON value into a well-formed message, or say exactly
// which field is wrong. Pure: the clock and the sender's trust level are arguments.
import { isPlainObject } from "../lib/guards";
import { MESSAGE_TYPES, MAX_MESSAGE_BYTES, type ApiError, type MessageType } from "@parcours/sdk/wire";
import { apiError, invalidField } from "../errors";

export interface ValidMessage {
  type: MessageType;
  messageId: string | null;
  anonymousId: string | null;
  userId: string | null;
  event: string | null;
  previousId: string | null;
  groupId: string | null;
  /** Skew-corrected event time, epoch ms. */
  ts: number;
  properties: Record<string, unknown> | null;
  traits: Record<string, unknown> | null;
  context: Record<string, unknown>;
  name: string | null;
}

export interface ValidateOptions {
  receivedAt: number;
  /** Secret-key senders may backfill history; browsers may not. */
  trusted: boolean;
  /** The batch-level sentAt, used when a message has none of its own. */
  batchSentAt?: unknown;
  /** Single-message routes (/v1/track...) fix the type. */
  forcedType?: MessageType;
}

export type Validated = { ok: true; message: ValidMessage } | { ok: false; error: ApiError };

const DAY = 86_400_000;
const MAX_ID = 256;
const MAX_NAME = 256;
const MAX_DEPTH = 16;

/** Parses ISO 8601 strings and epoch milliseconds; NaN for anything else. */
export function parseTime(v: unknown): number {
  if (typeof v === "number") return Number.isFinite(v) ? v : NaN;
  if (typeof v === "string" && v.length <= 64) {
    if (/^\d{10,16}$/.test(v)) return Number(v);
    return Date.parse(v);
  }
  return NaN;
}

function depthOf(v: unknown, limit: number): number {
  // Iterative, so hostile nesting cannot blow the stack.
  let max = 0;
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (d > max) max = d;
    if (max > limit) return max;
    if (typeof x === "object" && x !== null) for (const k in x) stack.push([(x as Record<string, unknown>)[k], d + 1]);
  }
  return max;
}

type Read<T> = { value: T } | { error: ApiError };

// A lone UTF-16 surrogate (JSON allows "\ud800") has no UTF-8 form: stored in a column it comes
// back as U+FFFD, so distinct ids would read back alike. Such ids and names are refused.
const LONE_SURROGATE = /\p{Cs}/u;

function readId(m: Record<string, unknown>, field: string): Read<string | null> {
  const v = m[field];
  if (v === undefined || v === null || v === "") return { value: null };
  if (typeof v === "number" && Number.isFinite(v)) return { value: String(v) };
  if (typeof v !== "string") return { error: invalidField(field, `${field} must be a string`) };
  if (v.length > MAX_ID) return { error: invalidField(field, `${field} is longer than ${MAX_ID} characters`) };
  if (LONE_SURROGATE.test(v)) return { error: invalidField(field, `${field} is not valid Unicode (a lone surrogate)`) };
  return { value: v };
}

function readObject(m: Record<string, unknown>, field: string): Read<Record<string, unknown> | null> {
  const v = m[field];
  if (v === undefined || v === null) return { value: null };
  if (!isPlainObject(v)) return { error: invalidField(field, `${field} must be an object`) };
  if (depthOf(v, MAX_DEPTH) > MAX_DEPTH) return { error: invalidField(field, `${field} is nested deeper than ${MAX_DEPTH} levels`) };
  return { value: v };
}

function readName(m: Record<string, unknown>, field: string, required: boolean): Read<string | null> {
  const v = m[field];
  if (v === undefined || v === null || v === "") {
    return required ? { error: invalidField(field, `${field} is required`) } : { value: null };
  }
  if (typeof v !== "string") return { error: invalidField(field, `${field} must be a string`) };
  if (v.length > MAX_NAME) return { error: invalidField(field, `${field} is longer than ${MAX_NAME} characters`) };
  if (LONE_SURROGATE.test(v)) return { error: invalidField(field, `${field} is not valid Unicode (a lone surrogate)`) };
  return { value: v };
}

/**
 * Event time as Segment computes it: when both `timestamp` and `sentAt` are known, the gap between
 * them (by the sender's clock) is subtracted from the server's receive time, which cancels skew.
 */
export function correctedTime(timestamp: number, sentAt: number, receivedAt: number): number {
  if (Number.isNaN(timestamp)) return receivedAt;
  if (Number.isNaN(sentAt)) return timestamp;
  return receivedAt - (sentAt - timestamp);
}

export function validateMessage(raw: unknown, opts: ValidateOptions): Validated {
  const fail = (error: ApiError): Validated => ({ ok: false, error });
  if (!isPlainObject(raw)) return fail(apiError("invalid_message", "a message must be a JSON object"));
  const size = new TextEncoder().encode(JSON.stringify(raw)).length;
  if (size > MAX_MESSAGE_BYTES) {
    return fail(apiError("message_too_large", `message is ${size} bytes; the limit is ${MAX_MESSAGE_BYTES}`));
  }

  const type = opts.forcedType ?? raw.type;
  if (typeof type !== "string" || !MESSAGE_TYPES.includes(type as MessageType)) {
    return fail(invalidField("type", `type must be one of ${MESSAGE_TYPES.join(", ")}`));
  }

  const reads = {
    messageId: readId(raw, "messageId"),
    anonymousId: readId(raw, "anonymousId"),
    userId: readId(raw, "userId"),
    previousId: readId(raw, "previousId"),
    groupId: readId(raw, "groupId"),
    event: readName(raw, "event", type === "track"),
    name: readName(raw, "name", false),
    properties: readObject(raw, "properties"),
    traits: readObject(raw, "traits"),
    context: readObject(raw, "context"),
  };
  for (const r of Object.values(reads)) if ("error" in r) return fail(r.error);
  const v = Object.fromEntries(Object.entries(reads).map(([k, r]) => [k, (r as { value: unknown }).value])) as {
    [K in keyof typeof reads]: (typeof reads)[K] extends Read<infer T> ? T : never;
  };

  if (v.anonymousId === null && v.userId === null) {
    return fail(invalidField("userId", "anonymousId or userId is required"));
  }
  if (type === "alias" && (v.previousId === null || v.userId === null)) {
    return fail(invalidField(v.previousId === null ? "previousId" : "userId", "alias needs previousId and userId"));
  }
  if (type === "group" && v.groupId === null) return fail(invalidField("groupId", "groupId is required"));

  const context = v.context ?? {};
  const channel = context.channel;
  if (channel !== undefined && channel !== null && (typeof channel !== "string" || !/^[a-z0-9][a-z0-9_-]{0,31}$/i.test(channel))) {
    return fail(invalidField("context.channel", "context.channel must be a short name: letters, digits, _ or -"));
  }

  const hasTimestamp = raw.timestamp !== undefined && raw.timestamp !== null;
  const timestamp = hasTimestamp ? parseTime(raw.timestamp) : NaN;
  if (hasTimestamp && Number.isNaN(timestamp)) return fail(invalidField("timestamp", "timestamp must be ISO 8601 or epoch milliseconds"));
  const sentAtRaw = raw.sentAt ?? opts.batchSentAt;
  const sentAt = sentAtRaw === undefined || sentAtRaw === null ? NaN : parseTime(sentAtRaw);
  if (raw.sentAt !== undefined && raw.sentAt !== null && Number.isNaN(sentAt)) {
    return fail(invalidField("sentAt", "sentAt must be ISO 8601 or epoch milliseconds"));
  }
  const ts = correctedTime(timestamp, sentAt, opts.receivedAt);
  if (ts > opts.receivedAt + DAY) return fail(invalidField("timestamp", "timestamp is more than 24 h in the future"));
  if (!opts.trusted && ts < opts.receivedAt - DAY) {
    return fail(invalidField("timestamp", "timestamp is older than 24 h; only a secret key may backfill"));
  }
  if (ts < Date.UTC(2000, 0, 1)) return fail(invalidField("timestamp", "timestamp is before the year 2000"));

  return {
    ok: true,
    message: {
      type: type as MessageType,
      messageId: v.messageId,
      anonymousId: v.anonymousId,
      userId: v.userId,
      event: type === "track" ? v.event : null,
      previousId: v.previousId,
      groupId: v.groupId,
      ts: Math.round(ts),
      properties: v.properties,
      traits: v.traits,
      context,
      name: v.name,
    },
  };
}
