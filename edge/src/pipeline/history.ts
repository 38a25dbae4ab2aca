// Full history as rows of one documented, versioned schema: what each buffer flush sends to the
// Pipelines stream (`EVENTS_STREAM`, landing in an Iceberg table on R2), and what the admin
// history route streams back as NDJSON for local SQL (`npm run history`). One row per event;
// bots and other filtered messages are not events and have no row. README, "History as Iceberg
// on R2", lists the columns.
import type { EnrichedEvent } from "./payload";

/** Bumped when a column changes meaning or type; added columns keep the version. */
export const HISTORY_SCHEMA_VERSION = 1;

// A type (not an interface) so it fits Pipelines' Record<string, unknown> records.
export type HistoryRow = {
  schema_version: number;
  site_id: string;
  message_id: string;
  type: string;
  event: string | null;
  /** Event time (sender's clock corrected for skew), RFC 3339 UTC. */
  ts: string;
  received_at: string;
  user_id: string | null;
  anonymous_id: string | null;
  channel: string;
  channel_explicit: boolean;
  source: string | null;
  medium: string | null;
  campaign: string | null;
  stage: string | null;
  is_conversion: boolean;
  revenue: number | null;
  path: string | null;
  country: string | null;
  region: string | null;
  device: string | null;
  browser: string | null;
  os: string | null;
  /** The message's properties as a JSON text (null when it had none). */
  properties: string | null;
};

/** Column name -> Pipelines stream field type: the schema file README's setup passes to wrangler. */
export const HISTORY_COLUMNS: [keyof HistoryRow, "int32" | "string" | "timestamp" | "bool" | "float64" | "json"][] = [
  ["schema_version", "int32"], ["site_id", "string"], ["message_id", "string"], ["type", "string"], ["event", "string"],
  ["ts", "timestamp"], ["received_at", "timestamp"], ["user_id", "string"], ["anonymous_id", "string"],
  ["channel", "string"], ["channel_explicit", "bool"], ["source", "string"], ["medium", "string"], ["campaign", "string"],
  ["stage", "string"], ["is_conversion", "bool"], ["revenue", "float64"], ["path", "string"], ["country", "string"],
  ["region", "string"], ["device", "string"], ["browser", "string"], ["os", "string"], ["properties", "json"],
];

export function historyRow(siteId: string, e: EnrichedEvent): HistoryRow {
  return {
    schema_version: HISTORY_SCHEMA_VERSION,
    site_id: siteId,
    message_id: e.messageId,
    // A page's engagement report is no page view or track call: its own type, its figures as properties.
    type: e.engagement ? "engagement" : e.type,
    event: e.engagement ? null : e.event,
    ts: new Date(e.ts).toISOString(),
    received_at: new Date(e.receivedAt).toISOString(),
    user_id: e.userId,
    anonymous_id: e.anonymousId,
    channel: e.channel,
    channel_explicit: e.channelExplicit,
    source: e.source,
    medium: e.medium,
    campaign: e.campaign,
    stage: e.stage,
    is_conversion: e.isConversion,
    revenue: e.revenue,
    path: e.path,
    country: e.country,
    region: e.region,
    device: e.device,
    browser: e.browser,
    os: e.os,
    properties: e.engagement ? JSON.stringify(e.engagement) : e.properties ? JSON.stringify(e.properties) : null,
  };
}

/** Where history rows go. The Pipelines binding in production; a capture in tests. */
export interface HistorySink {
  send(rows: HistoryRow[]): Promise<void>;
}

// Pipelines takes at most 1 MB per ingestion request (open-beta limits): stay well under.
const MAX_SEND_CHARS = 700 * 1024;

/** Sends rows in requests under the stream's size limit. */
export async function sendInChunks(sink: HistorySink, rows: HistoryRow[]): Promise<void> {
  let chunk: HistoryRow[] = [];
  let size = 0;
  for (const row of rows) {
    const n = JSON.stringify(row).length + 1;
    if (chunk.length && size + n > MAX_SEND_CHARS) {
      await sink.send(chunk);
      chunk = [];
      size = 0;
    }
    chunk.push(row);
    size += n;
  }
  if (chunk.length) await sink.send(chunk);
}

