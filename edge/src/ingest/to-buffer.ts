// Ingest's durable hand-off: a request's accepted messages go into one of its site's buffer
// objects (shards.ts picks which), coalesced with the other requests of this isolate bound for the
// same object (group-commit.ts). Resolves once they are durable in that object's storage.
import type { Bindings, Site } from "../env";
import type { EnrichedEvent, FilteredEvent } from "../pipeline/payload";
import { pendingBodies, type PendingRow } from "./buffer";
import { groupCommit } from "./group-commit";
import { withTimeout } from "./timeout";
import { ingestShards } from "../sites/ingest-shards";
import { bufferName, shardOf } from "./shards";

// How long a request waits for the call carrying its rows (its own or another request's) before
// answering 500; the sender retries and storage dedupes by messageId.
const DURABLE_WITHIN_MS = 20_000;
// Workers RPC carries up to 32 MiB per call; a group stays well under (UTF-16 units, up to 3 bytes each).
const MAX_CALL_CHARS = 6 * 1024 * 1024;

type Namespace = Bindings["INGEST_BUFFER"];
const committers = new WeakMap<Namespace, (key: string, rows: PendingRow[]) => Promise<void>>();

function committerFor(ns: Namespace) {
  let commit = committers.get(ns);
  if (!commit) {
    commit = groupCommit<PendingRow>(async (name, rows) => {
      // Names are `<site>#<shard>` and site ids never hold a '#'.
      await ns.get(ns.idFromName(name)).append(name.slice(0, name.lastIndexOf("#")), rows);
    }, (r) => r.body.length, MAX_CALL_CHARS);
    committers.set(ns, commit);
  }
  return commit;
}

/** Who sent the request: its shard key (see shards.ts). */
function senderKey(events: EnrichedEvent[], filtered: FilteredEvent[]): string {
  const e = events[0];
  return e ? (e.userId ?? e.anonymousId ?? e.messageId) : (filtered[0]?.messageId ?? "");
}

export async function toBuffer(env: Pick<Bindings, "INGEST_BUFFER">, site: Site, receivedAt: number,
  events: EnrichedEvent[], filtered: FilteredEvent[], waitUntil?: (p: Promise<unknown>) => void): Promise<void> {
  const name = bufferName(site.id, shardOf(senderKey(events, filtered), ingestShards(site.settings)));
  const rows = pendingBodies(events, filtered).map((body) => ({ receivedAt, body }));
  const durable = committerFor(env.INGEST_BUFFER)(name, rows);
  // The call may carry other requests' rows too: keep it alive even if this client goes away.
  try {
    waitUntil?.(durable.catch(() => {}));
  } catch {
    // no execution context (a direct app.request in a test): nothing to extend
  }
  // A bounded wait, so the runtime does not take a request waiting on another's call for hung.
  await withTimeout(durable, DURABLE_WITHIN_MS, `the ingest buffer did not confirm within ${DURABLE_WITHIN_MS} ms`);
}
