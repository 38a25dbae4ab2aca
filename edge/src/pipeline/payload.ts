// What ingest hands to the pipeline through the queue: the contract between the two halves.
import type { MessageType } from "@parcours/sdk/wire";

/** A validated, enriched message: everything the pipeline needs, and no raw IP. */
export interface EnrichedEvent {
  messageId: string;
  type: MessageType;
  event: string | null;
  userId: string | null;
  anonymousId: string | null;
  /** alias: the id being linked to userId. */
  previousId: string | null;
  /** Event time, epoch ms, corrected for the sender's clock skew. */
  ts: number;
  receivedAt: number;
  channel: string;
  channelExplicit: boolean;
  source: string | null;
  medium: string | null;
  campaign: string | null;
  /** Set when the message carries campaign data (UTM or click id): a new value opens a session. */
  campaignKey: string | null;
  stage: string | null;
  isConversion: boolean;
  revenue: number | null;
  path: string | null;
  country: string | null;
  region: string | null;
  device: string | null;
  browser: string | null;
  os: string | null;
  properties: Record<string, unknown> | null;
  context: Record<string, unknown> | null;
  /**
   * Set on a page's engagement report (Plausible's `engagement` event): stored as that page view's
   * engagement, never as an event, a page view or a touchpoint.
   */
  engagement?: Engagement;
}

/** How far a visitor scrolled a page (percent, when known) and how long it held them since the last report. */
export interface Engagement {
  scrollDepth: number | null;
  engagedMs: number;
}

export interface FilteredEvent {
  messageId: string;
  reason: string;
  userAgent: string | null;
  ts: number;
  receivedAt: number;
}

/** What the consumer records in ingested_batches for a stored payload. */
export const partKey = (archiveKey: string, part: number) => `${archiveKey}#${part}`;

export interface QueuePayload {
  siteId: string;
  /** The R2 object holding this batch's raw messages. */
  archiveKey: string;
  /** This payload's line in that object, of `parts`: `<archiveKey>#<part>` is recorded once stored. */
  part: number;
  parts: number;
  events: EnrichedEvent[];
  filtered: FilteredEvent[];
}
