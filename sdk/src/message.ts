import type { Identity } from "./session";
import type { AliasMessage, Context, GroupMessage, IdentifyMessage, Message, PageMessage, TrackMessage } from "./wire";

type Fields<M extends Message> = Omit<M, "messageId" | "anonymousId" | "userId" | "timestamp" | "sentAt" | "context">;

/** What a call says; the client adds who, when and where. */
export type MessageFields =
  | Fields<TrackMessage>
  | Fields<PageMessage>
  | Fields<IdentifyMessage>
  | Fields<AliasMessage>
  | Fields<GroupMessage>;

export function buildMessage(
  fields: MessageFields,
  identity: Identity,
  context: Context,
  timestamp: string,
  messageId: string,
): Message {
  return { ...fields, messageId, anonymousId: identity.anonymousId, userId: identity.userId ?? null, timestamp, context } as Message;
}

/**
 * The body of POST /v1/batch. sentAt is stamped at each attempt, not when the message was made:
 * the edge measures clock skew as (arrival - sentAt), which a retried message must not inflate.
 */
export function batchBody(batch: readonly Message[], writeKey: string | undefined, sentAt: string): string {
  return JSON.stringify({ batch: batch.map((m) => ({ ...m, sentAt })), writeKey, sentAt });
}
