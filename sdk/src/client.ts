import { campaignFromUrl } from "./campaign";
import { initialConsent, type ConsentState } from "./consent";
import { uuid } from "./ids";
import { batchBody, buildMessage, type MessageFields } from "./message";
import { pageContext, watchPages } from "./page";
import { backoffMs, fitsInMessage, nextBatch, PersistentQueue, shouldRetry } from "./queue";
import { aliased, ANONYMOUS_ID_KEY, identified, USER_ID_KEY, type Identity } from "./session";
import { defaultStorage, type KeyValueStorage } from "./storage";
import { fetchTransport, type Transport } from "./transport";
import { LIBRARY_VERSION } from "./version";
import type { Context, Message } from "./wire";

export interface ClientOptions {
  writeKey: string;
  /** Base URL of the Parcours edge; batches go to `${endpoint}/v1/batch`. */
  endpoint: string;
  /** Where ids and unsent messages persist: localStorage in browsers, AsyncStorage in React Native. Default: localStorage, else memory. */
  storage?: KeyValueStorage;
  transport?: Transport;
  /** Send as soon as this many messages wait. Default 20. */
  flushAt?: number;
  /** Send what waits at least this often, in ms. Default 10,000. */
  flushInterval?: number;
  /** context.channel of every message: "app", "store", "phone"... Unset, the edge derives it (web). */
  channel?: string;
  /** Persist nothing: an in-memory anonymous id per client, and no retry across restarts. */
  cookieless?: boolean;
  requireConsent?: boolean;
  respectDnt?: boolean;
  /** Browser only: send a page view now and on every SPA navigation; `"hash"` for hash routers. */
  trackPages?: boolean | "hash";
  /** Server sources only: authenticates with the site's secret key (HTTP Basic) instead of the write key. */
  secretKey?: string;
  /** Static context merged into every message, e.g. { app: { name, version } }. */
  context?: Context;
}

export interface Client {
  track(event: string, properties?: Record<string, unknown>): void;
  page(properties?: Record<string, unknown>): void;
  screen(name: string, properties?: Record<string, unknown>): void;
  identify(userId: string, traits?: Record<string, unknown>): void;
  alias(userId: string): void;
  group(groupId: string, traits?: Record<string, unknown>): void;
  /** Forget the user (log out): a new anonymous id, no user id. */
  reset(): void;
  consent(granted: boolean): void;
  /** Sends everything recorded so far; resolves once sent, or kept for retry when sending failed. */
  flush(): Promise<void>;
}

const QUEUE_KEY = "parcours_queue";
const isBrowser = typeof document != "undefined" && typeof location != "undefined";

type Step = (identity: Identity) => [Identity, MessageFields];

class ParcoursClient implements Client {
  private _identity: Identity = { anonymousId: "" };
  private _consent: ConsentState;
  /** Messages recorded while consent is pending: memory only, nothing is stored before consent. */
  private _held: Message[] = [];
  private readonly _queue: PersistentQueue;
  private readonly _storage: KeyValueStorage | null;
  private readonly _transport: Transport;
  private readonly _url: string;
  private readonly _flushAt: number;
  private readonly _flushInterval: number;
  private readonly _baseContext: Context;
  /** Every change of state runs on this chain, in call order, so async storage cannot reorder them. */
  private _chain: Promise<void>;
  private _sending: Promise<void> | undefined;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _timerDue = Infinity;
  private _failures = 0;
  private _retryDue = 0;

  constructor(private readonly _options: ClientOptions) {
    this._storage = _options.cookieless ? null : (_options.storage ?? defaultStorage());
    this._queue = new PersistentQueue(this._storage, QUEUE_KEY);
    this._url = _options.endpoint.replace(/\/+$/, "") + "/v1/batch";
    this._flushAt = _options.flushAt ?? 20;
    this._flushInterval = _options.flushInterval ?? 10_000;
    this._transport =
      _options.transport ??
      fetchTransport(_options.secretKey ? { Authorization: "Basic " + btoa(_options.secretKey + ":") } : {});
    this._consent = initialConsent(_options.requireConsent, _options.respectDnt);
    this._baseContext = {
      library: { name: "@parcours/sdk", version: LIBRARY_VERSION },
      locale: globalThis.navigator?.language ?? Intl.DateTimeFormat().resolvedOptions().locale,
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      ...(_options.channel && { channel: _options.channel }),
      ...(_options.cookieless && { privacy: { cookieless: true } }),
      ..._options.context,
    };
    this._chain = this._start();
    if (isBrowser) this._watchBrowser();
  }

  track(event: string, properties?: Record<string, unknown>) {
    this._record((id) => [id, { type: "track", event, properties }]);
  }
  page(properties?: Record<string, unknown>) {
    this._record((id) => [id, { type: "page", properties }]);
  }
  screen(name: string, properties?: Record<string, unknown>) {
    this._record((id) => [id, { type: "screen", name, properties }]);
  }
  identify(userId: string, traits?: Record<string, unknown>) {
    this._record((id) => [identified(id, userId, uuid), { type: "identify", traits }]);
  }
  alias(userId: string) {
    this._record((id) => {
      const { identity, previousId } = aliased(id, userId);
      return [identity, { type: "alias", previousId }];
    });
  }
  group(groupId: string, traits?: Record<string, unknown>) {
    this._record((id) => [id, { type: "group", groupId, traits }]);
  }

  reset() {
    this._run(() => this._setIdentity({ anonymousId: uuid() }));
  }

  consent(granted: boolean) {
    this._run(async () => {
      if (!granted) {
        this._consent = "denied";
        this._held = [];
        await this._queue.clear();
        await this._forgetIdentity();
        return;
      }
      const wasGranted = this._consent == "granted";
      this._consent = "granted";
      if (wasGranted) return;
      await this._persistIdentity();
      await this._queue.claim();
      for (const message of this._held) await this._queue.push(message);
      this._held = [];
      this._schedule(0);
    });
  }

  flush(): Promise<void> {
    // One send at a time: a message is in at most one request until that request has an answer.
    return (this._sending ??= this._drain().finally(() => (this._sending = undefined)));
  }

  private async _start() {
    const stored = this._storage && (await this._storage.getItem(ANONYMOUS_ID_KEY));
    const userId = stored && (await this._storage!.getItem(USER_ID_KEY));
    this._identity = stored ? { anonymousId: stored, ...(userId && { userId }) } : { anonymousId: uuid() };
    if (this._consent != "granted") return;
    if (!stored) await this._persistIdentity();
    await this._queue.claim();
    // Messages a previous run could not send go out now, not only with the next new one.
    if (this._queue.items.length) this._schedule(0);
  }

  private _record(step: Step) {
    // When and where are read at call time: by the time the chain runs, an SPA may have moved on.
    const timestamp = new Date().toISOString();
    const context = this._context();
    this._run(async () => {
      if (this._consent == "denied") return;
      const [identity, fields] = step(this._identity);
      await this._setIdentity(identity);
      const message = buildMessage(fields, identity, context, timestamp, uuid());
      if (!fitsInMessage(message)) return;
      if (this._consent == "pending") return void this._held.push(message);
      await this._queue.push(message);
      this._schedule(this._queue.items.length >= this._flushAt ? 0 : this._flushInterval);
    });
  }

  private _run(change: () => Promise<void>) {
    this._chain = this._chain.then(change).catch(() => {
      // A storage failure (quota, AsyncStorage error) must not stop the client; the message stays in memory.
    });
  }

  private _context(): Context {
    if (!isBrowser) return this._baseContext;
    return {
      ...this._baseContext,
      page: pageContext(),
      campaign: campaignFromUrl(location.href),
      userAgent: navigator.userAgent,
    };
  }

  private async _setIdentity(identity: Identity) {
    const changed = identity.anonymousId != this._identity.anonymousId || identity.userId != this._identity.userId;
    this._identity = identity;
    if (changed) await this._persistIdentity();
  }

  private async _persistIdentity() {
    const { anonymousId, userId } = this._identity;
    if (!this._storage || this._consent != "granted") return;
    await this._storage.setItem(ANONYMOUS_ID_KEY, anonymousId);
    if (userId) await this._storage.setItem(USER_ID_KEY, userId);
    else await this._storage.removeItem(USER_ID_KEY);
  }

  private async _forgetIdentity() {
    await this._storage?.removeItem(ANONYMOUS_ID_KEY);
    await this._storage?.removeItem(USER_ID_KEY);
  }

  /** Sends batch after batch until the queue is empty or a send fails (then a retry is scheduled). */
  private async _drain() {
    for (;;) {
      await this._chain;
      if (this._consent != "granted") return;
      const batch = nextBatch(this._queue.items, Math.max(this._flushAt, 100));
      if (!batch.length) return;
      const status = await this._transport(this._url, batchBody(batch, this._options.writeKey, new Date().toISOString()));
      if (shouldRetry(status)) {
        this._retryDue = Date.now() + backoffMs(++this._failures);
        this._schedule(0);
        return;
      }
      this._failures = this._retryDue = 0;
      this._run(() => this._queue.remove(batch));
    }
  }

  /** Arms the send timer unless it already fires sooner; never sooner than a pending retry's backoff. */
  private _schedule(delay: number) {
    const due = Math.max(Date.now() + delay, this._retryDue);
    if (due >= this._timerDue) return;
    clearTimeout(this._timer);
    this._timerDue = due;
    this._timer = setTimeout(() => {
      this._timerDue = Infinity;
      void this.flush();
    }, due - Date.now());
    // In Node a pending send must not keep the process alive; flush() is how a script waits for it.
    (this._timer as { unref?: () => void }).unref?.();
  }

  private _watchBrowser() {
    addEventListener("online", () => void this.flush());
    // pagehide and a hidden tab are the last reliable moments on mobile; keepalive lets the send finish.
    addEventListener("pagehide", () => void this.flush());
    document.addEventListener("visibilitychange", () => document.visibilityState == "hidden" && void this.flush());
    const pages = this._options.trackPages;
    if (!pages) return;
    this.page();
    watchPages(() => this.page(), pages == "hash");
  }
}

export function createClient(options: ClientOptions): Client {
  return new ParcoursClient(options);
}
