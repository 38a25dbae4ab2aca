// The whole view state lives in the location hash (`#/funnel?steps=a,b&range=7d&channel=email`)
// so any view can be bookmarked and shared, and Back/Forward walk through what the user did.

export const VIEWS = [
  "overview",
  "journeys",
  "funnel",
  "paths",
  "attribution",
  "channels",
  "stalled",
  "timeline",
  "retention",
  "vitals",
  "value",
  "live",
  "settings",
] as const;
export type ViewName = (typeof VIEWS)[number];

export type Params = Record<string, string>;
export interface Route {
  view: ViewName;
  params: Params;
}

/** Filters every read endpoint accepts; they follow the user from view to view. */
export const FILTER_KEYS = ["channel", "source", "campaign", "country", "device"] as const;
/** A saved segment (its id) narrows every answer; a comparison choice follows the user too. */
export const SEGMENT_KEY = "segment";
export const COMPARE_KEY = "compare";
/** Parameters shared by all views (the rest belong to one view and are dropped on navigation). */
export const SHARED_KEYS = ["site", "range", "from", "to", ...FILTER_KEYS, SEGMENT_KEY, COMPARE_KEY] as const;

const isView = (name: string): name is ViewName => (VIEWS as readonly string[]).includes(name);

export function parseHash(hash: string): Route {
  const body = hash.replace(/^#\/?/, "");
  const cut = body.indexOf("?");
  const name = decodeURIComponent(cut < 0 ? body : body.slice(0, cut));
  const params: Params = {};
  new URLSearchParams(cut < 0 ? "" : body.slice(cut + 1)).forEach((value, key) => {
    if (value !== "") params[key] = value;
  });
  return { view: isView(name) ? name : "overview", params };
}

export function formatHash(route: Route): string {
  const search = new URLSearchParams();
  for (const key of Object.keys(route.params).sort()) {
    const value = route.params[key];
    if (value !== undefined && value !== "") search.set(key, value);
  }
  const query = search.toString();
  return `#/${route.view}${query ? `?${query}` : ""}`;
}

/** The hash of another view, carrying over only the shared parameters (plus any extras). */
export function hrefFor(view: ViewName, from: Params, extra: Params = {}): string {
  const params: Params = {};
  for (const key of SHARED_KEYS) if (from[key]) params[key] = from[key];
  return formatHash({ view, params: { ...params, ...extra } });
}

/** Applies a patch to the params; an empty string or undefined removes the key. */
export function patchParams(params: Params, patch: Record<string, string | undefined>): Params {
  const next: Params = { ...params };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || value === "") delete next[key];
    else next[key] = value;
  }
  return next;
}
