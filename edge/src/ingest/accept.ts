// Runs each raw message through validate -> enrich, message by message: one bad message gets its
// own reason and never sinks its neighbours.
import type { IngestResult, MessageType } from "@parcours/sdk/wire";
import type { Site } from "../env";
import type { EnrichedEvent, Engagement, FilteredEvent } from "../pipeline/payload";
import { sha256Hex } from "../auth/crypto";
import { enrich, type RequestFacts } from "./enrich";
import { validateMessage, type ValidMessage } from "./validate";
import { wantsCookieless, withoutPersistentId } from "./privacy";

export interface Accepted {
  result: IngestResult;
  events: EnrichedEvent[];
  filtered: FilteredEvent[];
}

/**
 * A message without a messageId gets one derived from its content, so a retried copy is still
 * recognised as the same message.
 */
async function contentId(raw: unknown): Promise<string> {
  return "h-" + (await sha256Hex(JSON.stringify(raw))).slice(0, 32);
}

export interface AcceptOptions {
  batchSentAt?: unknown;
  forcedType?: MessageType;
  /** This request's daily cookieless visitor id, computed only if a message asks for privacy. */
  cookielessId?: () => Promise<string>;
  /** The request reports a page's engagement (Plausible): its message is stored as that, not as an event. */
  engagement?: Engagement;
}

export async function acceptMessages(raws: unknown[], site: Site, facts: RequestFacts, opts: AcceptOptions = {}): Promise<Accepted> {
  const result: IngestResult = { accepted: 0, rejected: [], filtered: 0 };
  const events: EnrichedEvent[] = [];
  const filtered: FilteredEvent[] = [];
  for (let index = 0; index < raws.length; index++) {
    const raw = raws[index];
    const v = validateMessage(raw, { receivedAt: facts.receivedAt, trusted: facts.trusted, batchSentAt: opts.batchSentAt, forcedType: opts.forcedType });
    if (!v.ok) {
      const messageId = (raw as { messageId?: unknown } | null)?.messageId;
      result.rejected.push({ index, ...(typeof messageId === "string" ? { messageId } : {}), error: v.error });
      continue;
    }
    let message: ValidMessage | null = v.message;
    if (opts.cookielessId && wantsCookieless(message)) {
      message = withoutPersistentId(message, await opts.cookielessId());
      if (!message) {
        // Accepted (the sender did nothing wrong) but not kept: it would identify the visitor.
        result.accepted++;
        continue;
      }
    }
    const messageId = message.messageId ?? (await contentId(raw));
    const e = enrich({ ...message, messageId }, facts, site.settings);
    if (e.ok) events.push(opts.engagement ? { ...e.event, engagement: opts.engagement } : e.event);
    else filtered.push(e.filtered);
    result.accepted++;
  }
  result.filtered = filtered.length;
  return { result, events, filtered };
}
