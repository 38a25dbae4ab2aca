// Cross-domain linking (opt-in: data-domains="a.com,b.com" on the script tag). A link from one of
// the site's own domains to another carries the anonymous id, as GA's linker (`_gl`) and
// Plausible's cross-domain links do, so one visitor stays one person across them. The value holds
// the click's time and goes stale after two minutes: a copied or bookmarked link adopts nothing.

/** The query parameter a decorated link carries. */
export const LINK_PARAM = "_pc";
const MAX_AGE_MS = 120_000;

/** `<anonymousId>.<click time in ms, base 36>` */
export const linkValue = (anonymousId: string, now: number): string => anonymousId + "." + now.toString(36);

/** The anonymous id a fresh link value carries; undefined when absent, malformed or stale. */
export function linkedId(value: string | null, now: number): string | undefined {
  const [id, time] = (value || "").split(".");
  const age = now - parseInt(time, 36);
  if (/^[\w-]{8,64}$/.test(id) && age >= 0 && age < MAX_AGE_MS) return id;
}

/** `href` with the link value, when it leads to another of the listed domains; else undefined. */
export function decorate(href: string, pageHost: string, domains: string[], value: string): string | undefined {
  const url = new URL(href);
  if (url.hostname != pageHost && domains.includes(url.hostname)) {
    const search = stripped(url.search);
    url.search = search + (search ? "&" : "") + LINK_PARAM + "=" + value;
    return url.href;
  }
}

/**
 * A URL (or its query) without the link value, for history.replaceState. Cut out as text:
 * re-serialising the query would re-encode the page's own parameters.
 */
export const stripped = (href: string): string => href.replace(/([?&])_pc=[^&#]*&?/, "$1").replace(/[?&](?=#|$)/, "");
