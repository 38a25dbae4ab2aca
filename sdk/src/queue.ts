import type { KeyValueStorage } from "./storage";
import { MAX_MESSAGE_BYTES, MAX_REQUEST_BYTES, type Message } from "./wire";

const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 30 * 1000;

/**
 * Delay before retry number `attempt` (1, 2, ...): exponential, capped, with "equal jitter" so
 * that many clients failing together (an edge outage) do not retry in lockstep. The cap bounds
 * how long a client waits once the edge is back: 30 s, well within a visit to a page.
 */
export const backoffMs = (attempt: number, random = Math.random): number =>
  (Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)) * (1 + random())) / 2;

/**
 * Whether a batch the edge answered with `status` (0: no answer at all) is worth sending again.
 * Otherwise it is done with: sent (2xx), or wrong in itself (other 4xx), which a retry would not mend.
 */
export const shouldRetry = (status: number): boolean => !status || status == 408 || status == 429 || status >= 500;

/** The longest head of `items` that fits in one request, and at most `maxCount` messages. */
export function nextBatch(items: readonly Message[], maxCount: number, maxBytes = MAX_REQUEST_BYTES): Message[] {
  // Headroom for the envelope ({"batch":[...],"writeKey":...,"sentAt":...}) and per-message sentAt.
  let bytes = 200;
  let count = 0;
  for (const item of items) {
    bytes += byteLength(JSON.stringify(item)) + 40;
    if (count == maxCount || (count > 0 && bytes > maxBytes)) break;
    count++;
  }
  return items.slice(0, count);
}

/** The edge rejects larger messages, so the SDK drops them at the door instead of retrying forever. */
export function fitsInMessage(message: Message): boolean {
  return byteLength(JSON.stringify(message)) <= MAX_MESSAGE_BYTES;
}

const byteLength = (text: string) => new TextEncoder().encode(text).length;

/**
 * Messages waiting to be sent, mirrored in storage after each change so that a failed send
 * survives a reload or an app restart. Tabs of one site share the mirror: the last writer wins,
 * and a message two tabs both adopt is stored once by the edge, which dedupes on messageId.
 */
export class PersistentQueue {
  items: Message[] = [];
  // Until claim() has read the mirror, writing it would erase what an earlier run left there.
  private _claimed = false;

  constructor(
    private readonly _storage: KeyValueStorage | null,
    private readonly _key: string,
    private readonly _maxItems = 1000,
  ) {}

  /** Adopt the messages an earlier run could not send; they go first. */
  async claim(): Promise<void> {
    if (!this._storage) return;
    if (this._claimed) return;
    const saved = parseSaved(await this._storage.getItem(this._key));
    this.items = [...saved, ...this.items];
    this._claimed = true;
    await this._save();
  }

  async push(message: Message): Promise<void> {
    this.items.push(message);
    // A client that cannot reach the edge for days must not fill the device: keep the newest.
    if (this.items.length > this._maxItems) this.items.splice(0, this.items.length - this._maxItems);
    await this._save();
  }

  async remove(sent: readonly Message[]): Promise<void> {
    const ids = new Set(sent.map((m) => m.messageId));
    this.items = this.items.filter((m) => !ids.has(m.messageId));
    await this._save();
  }

  /** Drops every message, the mirror's too (consent withdrawn). */
  async clear(): Promise<void> {
    this.items = [];
    this._claimed = true;
    await this._save();
  }

  private async _save(): Promise<void> {
    if (!this._storage || !this._claimed) return;
    if (this.items.length) await this._storage.setItem(this._key, JSON.stringify(this.items));
    else await this._storage.removeItem(this._key);
  }
}

function parseSaved(text: string | null): Message[] {
  if (!text) return [];
  try {
    const value = JSON.parse(text);
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}
