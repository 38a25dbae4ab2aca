// Plausible's event body, as its tracker sends it (short keys: n, u, d, r, p, $, h, i, v, and
// sd/e on engagement events) and as its Events API docs write it (name, url, domain, referrer,
// props, revenue), read into one shape and then into a Segment-spec message. Pure.
// Keys: plausible/analytics tracker/src (the payload) and lib/plausible_web/controllers/api/external_controller.ex.
import type { ApiError } from "@parcours/sdk/wire";
import { apiError, invalidField } from "../errors";
import type { Engagement } from "../pipeline/payload";
import { hostOf } from "./channel";
import { isPlainObject } from "../lib/guards";

export interface PlausibleEvent {
  name: string;
  url: string;
  /** The first of a comma-separated list (Plausible sends one event to several sites that way). */
  domain: string;
  referrer: string | null;
  props: Record<string, unknown> | null;
  revenue: { amount: number; currency: string | null } | null;
  /** Hash-based routing: the fragment is part of the page's path. */
  hashMode: boolean;
  /** The tracker's version (`v`), kept as the library's. */
  version: string | null;
  /** Only for `n: "engagement"`: how far the visitor scrolled and how long the page held them. */
  engagement: Engagement | null;
}

export type ReadPlausible = { ok: true; event: PlausibleEvent } | { ok: false; error: ApiError };

/**
 * Short key first (the tracker's), then the documented long key. `field` is the one that was sent,
 * or for a missing one, the one of the body's own kind.
 */
function picker(b: Record<string, unknown>) {
  const shortKeyed = ["n", "u", "d"].some((k) => Object.hasOwn(b, k));
  return (short: string, long: string): { field: string; value: unknown } =>
    Object.hasOwn(b, short) ? { field: short, value: b[short] }
      : Object.hasOwn(b, long) ? { field: long, value: b[long] }
      : { field: shortKeyed ? short : long, value: undefined };
}

/** Older trackers send props and revenue as a JSON string. */
function objectOf(v: unknown): Record<string, unknown> | null | undefined {
  if (v === undefined || v === null) return null;
  if (isPlainObject(v)) return v;
  if (typeof v === "string") {
    try {
      const parsed: unknown = JSON.parse(v);
      if (isPlainObject(parsed)) return parsed;
    } catch {
      // not JSON: refused below
    }
  }
  return undefined;
}

const finite = (v: unknown): number | null => {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
};

export function readPlausibleEvent(body: unknown): ReadPlausible {
  const fail = (error: ApiError): ReadPlausible => ({ ok: false, error });
  if (!isPlainObject(body)) return fail(apiError("invalid_message", "body must be an object"));
  const pick = picker(body);
  const name = pick("n", "name");
  if (typeof name.value !== "string" || !name.value) return fail(invalidField(name.field, `${name.field} (the event name) is required`));
  const url = pick("u", "url");
  if (typeof url.value !== "string" || !hostOf(url.value)) return fail(invalidField(url.field, `${url.field} must be an absolute URL`));
  const domain = pick("d", "domain");
  if (typeof domain.value !== "string" || !domain.value.trim()) return fail(invalidField(domain.field, `${domain.field} (the site's domain) is required`));
  const referrer = pick("r", "referrer").value;

  const props = pick("p", "props");
  const propsObject = objectOf(props.value);
  if (propsObject === undefined) return fail(invalidField(props.field, `${props.field} must be an object of custom properties`));

  const rev = pick("$", "revenue");
  const revObject = objectOf(rev.value);
  if (revObject === undefined) return fail(invalidField(rev.field, `${rev.field} must be {"amount", "currency"}`));
  let revenue: PlausibleEvent["revenue"] = null;
  if (revObject) {
    const amount = finite(revObject.amount);
    if (amount === null) return fail(invalidField(`${rev.field}.amount`, `${rev.field}.amount must be a number`));
    const currency = revObject.currency;
    if (currency !== undefined && currency !== null && (typeof currency !== "string" || !/^[A-Za-z]{3}$/.test(currency))) {
      return fail(invalidField(`${rev.field}.currency`, `${rev.field}.currency must be an ISO 4217 code such as EUR`));
    }
    revenue = { amount, currency: typeof currency === "string" ? currency.toUpperCase() : null };
  }

  let engagement: Engagement | null = null;
  if (name.value === "engagement") {
    const sent = body.sd !== undefined && body.sd !== null;
    const sd = sent ? finite(body.sd) : null;
    if (sent && (sd === null || sd < 0)) return fail(invalidField("sd", "sd (scroll depth) must be a percentage from 0 to 100"));
    const e = finite(body.e);
    if (e === null || e < 0) return fail(invalidField("e", "e (engaged time) must be milliseconds, 0 or more"));
    // A page shorter than its window, or an elastic overscroll, can report a little over 100.
    engagement = { scrollDepth: sd === null ? null : Math.min(100, Math.round(sd)), engagedMs: Math.round(e) };
  }

  const h = pick("h", "hashMode").value;
  const v = body.v;
  return {
    ok: true,
    event: {
      name: name.value,
      url: url.value,
      domain: domain.value.toLowerCase().split(",")[0].trim(),
      referrer: typeof referrer === "string" && referrer ? referrer : null,
      props: propsObject,
      revenue,
      hashMode: h === 1 || h === true || h === "1",
      version: typeof v === "number" || (typeof v === "string" && v.length <= 32) ? String(v) : null,
      engagement,
    },
  };
}

/** The page path Plausible records: with hash routing, the fragment is part of it. */
export function plausiblePath(url: string, hashMode: boolean): string | null {
  try {
    const u = new URL(url);
    return hashMode && u.hash.length > 1 ? u.pathname + u.hash : u.pathname;
  } catch {
    return null;
  }
}

/**
 * The Segment-spec message for a Plausible event: "pageview" is a page view, anything else a track
 * call. Plausible's visitors have no id: the anonymousId is replaced by the daily cookieless id,
 * and each request is one event (the tracker never retries), so the message id is the caller's.
 */
export function plausibleMessage(ev: PlausibleEvent, messageId: string) {
  const isPage = ev.name === "pageview";
  const properties = {
    ...(ev.props ?? {}),
    ...(ev.revenue ? { revenue: ev.revenue.amount, ...(ev.revenue.currency ? { currency: ev.revenue.currency } : {}) } : {}),
  };
  return {
    type: isPage ? "page" : "track",
    ...(isPage ? {} : { event: ev.name }),
    messageId,
    anonymousId: "cookieless",
    ...(Object.keys(properties).length ? { properties } : {}),
    context: {
      page: { url: ev.url, path: plausiblePath(ev.url, ev.hashMode) ?? undefined, ...(ev.referrer ? { referrer: ev.referrer } : {}) },
      privacy: { cookieless: true },
      ...(ev.version ? { library: { name: "plausible", version: ev.version } } : {}),
    },
  };
}
