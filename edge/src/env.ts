// Bindings and per-request variables shared by every route module.
import type { SiteRow, SiteSettings } from "./db/schema";
import type { QueuePayload } from "./pipeline/payload";
import type { IngestBuffer } from "./ingest/buffer";
import type { WebhookMessage } from "./act/emit";
import type { Pipeline } from "cloudflare:pipelines";
import type { HistoryRow } from "./pipeline/history";

export interface Bindings {
  /** The catalog (sites, salts, dead letters), and the data of the sites placed on it (sites/site-db.ts). */
  DB: D1Database;
  /** More databases for sites' data: SITE_DB_1..n (README, "Topology"). */
  [siteDb: `SITE_DB_${number}`]: D1Database | undefined;
  ARCHIVE: R2Bucket;
  QUEUE: Queue<QueuePayload>;
  DLQ: Queue<QueuePayload>;
  /** Webhook deliveries (act/deliver.ts consumes them). */
  WEBHOOKS: Queue<WebhookMessage>;
  ASSETS: Fetcher;
  INGEST_BUFFER: DurableObjectNamespace<IngestBuffer>;
  /** Pipelines stream feeding the Iceberg history table on R2 (optional: README, "History as Iceberg on R2"). */
  EVENTS_STREAM?: Pipeline<HistoryRow>;
  /** Admin API bearer token; when unset the admin API is closed. */
  PARCOURS_ADMIN_TOKEN?: string;
  /** HMAC key for dashboard session cookies; when unset, derived from the admin token. */
  SESSION_SECRET?: string;
  /** Workers rate-limiting bindings (wrangler.toml): per browser client, and per secret key. */
  RATE_LIMIT_CLIENT?: RateLimit;
  RATE_LIMIT_KEY?: RateLimit;
  /**
   * "1" on the local stack only (npm start and the tests pass it, like the local admin token):
   * webhooks may then go to http://127.0.0.1:*. A deployed worker never has it.
   */
  PARCOURS_LOCAL?: string;
  /** "1" on `npm run bench`'s own server only: opens the bulk load route (ingest/bench-bulk.ts). */
  PARCOURS_BENCH_BULK?: string;
}

/** A site as the request handlers see it: the row with its settings parsed. */
export type Site = Omit<SiteRow, "settings"> & { settings: SiteSettings };

export interface AppEnv {
  Bindings: Bindings;
  Variables: { site: Site; admin: boolean };
}
