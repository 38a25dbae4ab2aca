// The script tag, s.js: <script defer src="https://edge/s.js" data-key="WRITE_KEY"></script>.
// Size is its first constraint (budget in size.test.ts), so it is a leaner client than client.ts:
// synchronous localStorage, one timer, no async chain; it shares the pure helpers and the wire.
import { campaignFromUrl } from "./campaign";
import { initialConsent } from "./consent";
import { LINK_PARAM, linkedId, stripped } from "./cross-domain";
import { uuid } from "./ids";
import { batchBody, buildMessage, type MessageFields } from "./message";
import { pageContext, watchPages } from "./page";
import { backoffMs, shouldRetry } from "./queue";
import { aliased, identified, type Identity } from "./session";
import { fetchTransport } from "./transport";
import { LIBRARY_VERSION } from "./version";
import type { Message } from "./wire";

type Call = (method: string, ...args: unknown[]) => unknown;
declare const window: Window & { parcours?: (Call & { q?: Iterable<unknown>[] }) | unknown[][] };

// One key for ids and unsent messages: one read at load, one write per change.
const KEY = "parcours";
const script = document.currentScript as HTMLScriptElement;
const data = script.dataset;
const has = (name: string) => data[name] != null;
const url = (data.api || new URL(script.src).origin).replace(/\/$/, "") + "/v1/batch";
const persistent = !has("cookieless");
const send = fetchTransport();
const now = () => new Date().toISOString();

let consent = initialConsent(has("consent"), has("respectDnt"));
let [identity, queue]: [Identity, Message[]] = load() || [{ anonymousId: uuid() }, []];
let inFlight: Message[] = [];

// Cross-domain linking (cross-domain.ts), before the first message: adopt the id a fresh link from
// another listed domain carries (its referrer must be one of them) and take the value out of the
// address bar. l.js decorates the links to the other domains.
const domains = data.domains?.split(",");
if (domains) {
  const adopted = domains.includes(document.referrer && new URL(document.referrer).hostname) && linkedId(new URLSearchParams(location.search).get(LINK_PARAM), Date.now());
  if (adopted) identity = { ...identity, anonymousId: adopted };
  history.replaceState(history.state, "", stripped(location.href));
}
// Sends not known to have gone through. Messages an earlier page left count as one: until this page
// has reached the edge, a beacon is no proof of delivery (see leave()).
let failures = queue.length ? 1 : 0;
let timer: ReturnType<typeof setTimeout>;

// localStorage throws in sandboxed iframes and some private modes: then the page runs cookieless.
function load() {
  try {
    return persistent && JSON.parse(localStorage[KEY]);
  } catch {}
}

/** Mirrors ids and unsent messages, once the visitor consented and the site allows storage. */
function save() {
  try {
    if (persistent && consent == "granted") localStorage[KEY] = JSON.stringify([identity, queue]);
  } catch {}
}

function record(fields: MessageFields, next = identity) {
  if (consent == "denied") return;
  identity = next;
  const context = {
    library: { name: "parcours.js", version: LIBRARY_VERSION },
    page: pageContext(),
    campaign: campaignFromUrl(location.href),
    userAgent: navigator.userAgent,
    locale: navigator.language,
  };
  queue.push(buildMessage(fields, identity, context, now(), uuid()));
  save();
  // A short wait gathers a burst (page view, identify, first events) into one request.
  clearTimeout(timer);
  timer = setTimeout(flush, failures ? backoffMs(failures) : 1000);
}

/** Sends what waits, one request at a time; a failed request is retried with backoff, or on `online`. */
async function flush(): Promise<void> {
  clearTimeout(timer);
  if (inFlight.length || consent != "granted" || !queue.length) return;
  // 10 messages stay under the edge's request limit even at its largest message size.
  inFlight = queue.slice(0, 10);
  const retry = shouldRetry(await send(url, batchBody(inFlight, data.key, now())));
  if (!retry) queue = queue.filter((m) => !inFlight.includes(m));
  inFlight = [];
  save();
  if (retry) timer = setTimeout(flush, backoffMs(++failures));
  else (failures = 0), flush();
}

/**
 * The page is going away: hand what is not already in flight to sendBeacon, which the browser
 * sends after the page is gone (as text/plain, like fetch with a string body). A beacon accepted
 * is not a beacon delivered: the browser accepts one for a server that is down. So until a send
 * went through, the messages stay stored as well, and the next page load sends them again (the
 * edge stores a message once, by messageId).
 */
function leave() {
  const rest = queue.filter((m) => !inFlight.includes(m));
  if (consent == "granted" && rest.length && navigator.sendBeacon(url, batchBody(rest, data.key, now())) && !failures) {
    queue = inFlight;
    save();
  }
}

const api: Record<string, (...args: any[]) => unknown> = {
  track: (event: string, properties?: object) => record({ type: "track", event, properties } as MessageFields),
  page: (properties?: object) => record({ type: "page", properties } as MessageFields),
  identify: (userId: string, traits?: object) => record({ type: "identify", traits } as MessageFields, identified(identity, userId, uuid)),
  alias: (userId: string) => {
    const { identity: next, previousId } = aliased(identity, userId);
    record({ type: "alias", previousId }, next);
  },
  reset: () => {
    identity = { anonymousId: uuid() };
    save();
  },
  consent: (granted: boolean) => {
    consent = granted ? "granted" : "denied";
    if (granted) return save(), flush();
    queue = [];
    try {
      delete localStorage[KEY];
    } catch {}
  },
  flush,
  /** For l.js, which puts it on links to the site's other domains. */
  anonymousId: () => identity.anonymousId,
};

// Calls made before this script ran: parcours("track", ...) stubs keep them in .q, array stubs
// (Segment-style parcours.track = ... push) in the array itself; both as [method, ...args].
const stub = window.parcours;
const pending = Array.isArray(stub) ? stub : stub?.q || [];
const parcours = Object.assign((method: string, ...args: unknown[]) => api[method]?.(...args), api);
window.parcours = parcours;
for (const args of pending) parcours(...(args as [string]));

api.page();
watchPages(api.page, has("hash"));
addEventListener("online", flush);
addEventListener("pagehide", leave);
// On window in the bubble phase: runs after web-vitals' capture listeners have queued their final metrics.
addEventListener("visibilitychange", () => document.hidden && leave());

// Optional parts load from the tracker's own base, only when the tag asks for them, so the core
// pays a few bytes for each instead of its code.
const loadPart = (file: string) => document.head.append(Object.assign(document.createElement("script"), { src: new URL(file, script.src) }));
if (has("outbound") || has("downloads") || domains) loadPart("l.js");
if (has("vitals")) loadPart("v.js");
