// Which of a site's ingest buffer objects takes a request. Cloudflare documents about 1,000
// requests/s per Durable Object as a soft limit, fewer when each request writes storage (the
// buffer's does), so one object per site caps the site. Its traffic is spread over N objects
// named `<site>#<shard>`; N is the site's `ingestShards` setting. Ordering never mattered (event
// time rules) and storage dedupes by messageId, so any object may take any request.

/** FNV-1a (32-bit): stable across isolates and deploys, cheap, and spreads short ids well enough. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The shard for a request, keyed by who sent it (userId, else anonymousId, else messageId): one
 * person's requests keep landing on one object, and people spread evenly over the N objects.
 */
export const shardOf = (key: string, shards: number): number => (shards <= 1 ? 0 : fnv1a(key) % shards);

export const bufferName = (siteId: string, shard: number): string => `${siteId}#${shard}`;
