// The wire contract between every sender (this SDK, Segment-compatible clients, back-office
// sources) and the edge. It follows the Segment spec (https://segment.com/docs/connections/spec/common/)
// and adds one field, `context.channel`. edge/ imports these types: one contract, one place.

export type MessageType = "page" | "screen" | "track" | "identify" | "alias" | "group";

export const MESSAGE_TYPES: readonly MessageType[] = ["page", "screen", "track", "identify", "alias", "group"];

/** Channels Parcours knows by name; a site may send any other short name too. */
export const KNOWN_CHANNELS = [
  "web", "app", "email", "phone", "store", "chat", "social", "ads", "sms",
  "direct", "organic_search", "paid_search", "paid_social", "referral", "display",
  "affiliate", "video", "audio", "mobile_push", "paid_other",
] as const;

/** Click ids the SDK captures from landing URLs; the edge maps each to a network and channel. */
export const CLICK_IDS = ["gclid", "gbraid", "wbraid", "dclid", "fbclid", "msclkid", "ttclid", "li_fat_id", "twclid"] as const;
export type ClickId = (typeof CLICK_IDS)[number];

export interface Campaign {
  source?: string;
  medium?: string;
  name?: string;
  term?: string;
  content?: string;
  /** click ids found on the landing URL, e.g. { gclid: "..." } */
  clickIds?: Partial<Record<ClickId, string>>;
}

export interface PageContext {
  path?: string;
  referrer?: string;
  search?: string;
  title?: string;
  url?: string;
}

export interface Context {
  /** Parcours' extension: web, app, email, phone, store, chat, social, ads, or a site-defined name. */
  channel?: string;
  page?: PageContext;
  campaign?: Campaign;
  userAgent?: string;
  locale?: string;
  timezone?: string;
  library?: { name: string; version: string };
  app?: { name?: string; version?: string; build?: string };
  screen?: { width?: number; height?: number; density?: number };
  /** Consent / privacy signals the SDK forwards (GPC, DNT, cookieless mode). */
  privacy?: { gpc?: boolean; dnt?: boolean; cookieless?: boolean };
  [key: string]: unknown;
}

export interface MessageBase {
  type: MessageType;
  messageId: string;
  anonymousId?: string | null;
  userId?: string | null;
  /** When the event happened, by the sender's clock (ISO 8601 or epoch ms). */
  timestamp?: string | number;
  /** When the sender sent it, by the same clock: the edge corrects clock skew with it. */
  sentAt?: string | number;
  context?: Context;
  integrations?: Record<string, unknown>;
}

export interface TrackMessage extends MessageBase { type: "track"; event: string; properties?: Record<string, unknown> }
export interface PageMessage extends MessageBase { type: "page" | "screen"; name?: string; category?: string; properties?: Record<string, unknown> }
export interface IdentifyMessage extends MessageBase { type: "identify"; traits?: Record<string, unknown> }
export interface AliasMessage extends MessageBase { type: "alias"; previousId: string }
export interface GroupMessage extends MessageBase { type: "group"; groupId: string; traits?: Record<string, unknown> }

export type Message = TrackMessage | PageMessage | IdentifyMessage | AliasMessage | GroupMessage;

/** Body of POST /v1/batch. */
export interface BatchBody {
  batch: Message[];
  writeKey?: string;
  sentAt?: string | number;
}

export interface ApiError { code: string; message: string; field?: string }

/** Answer of every ingest route. */
export interface IngestResult {
  accepted: number;
  rejected: { index: number; messageId?: string; error: ApiError }[];
  /** Messages judged to come from bots: kept aside and counted, not stored as events. */
  filtered?: number;
}

/** Limits the edge enforces; the SDK keeps its batches under them. */
export const MAX_MESSAGE_BYTES = 32 * 1024;
export const MAX_REQUEST_BYTES = 500 * 1024;
