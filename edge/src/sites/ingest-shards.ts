// How many ingest buffer objects a site's traffic spreads over (ingest/shards.ts): the setting's
// default and bound, read by ingest and checked by the admin API.
import type { SiteSettings } from "../db/schema";

/**
 * Sized for about 5,000 requests/s: 625 object calls/s each at worst (no coalescing), under the
 * ~1,000/s soft limit with room for the storage write; group commit lowers the calls further.
 */
export const DEFAULT_INGEST_SHARDS = 8;
export const MAX_INGEST_SHARDS = 64;

export const ingestShards = (settings: Pick<SiteSettings, "ingestShards">): number => settings.ingestShards ?? DEFAULT_INGEST_SHARDS;
