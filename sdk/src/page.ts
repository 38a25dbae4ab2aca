import type { PageContext } from "./wire";

/** Segment's context.page for the current document. */
export function pageContext(): PageContext {
  return {
    path: location.pathname,
    referrer: document.referrer,
    search: location.search,
    title: document.title,
    url: location.href,
  };
}

/**
 * What makes two URLs the same page: the path, and with hash routing (#/products) the hash too.
 * A query-string or hash change alone (filters, anchors) is not a new page view.
 */
export const pageKey = (url: { pathname: string; hash: string }, hashRouting: boolean): string =>
  url.pathname + (hashRouting ? url.hash : "");

/**
 * Calls `onPage` for each new page of a single-page app. Routers move through history.pushState
 * and replaceState, which fire no event, so both are wrapped; back/forward fire popstate, and hash
 * routers hashchange. The caller sends the first page view itself.
 */
export function watchPages(onPage: () => void, hashRouting: boolean): void {
  let last = pageKey(location, hashRouting);
  const check = () => {
    const key = pageKey(location, hashRouting);
    if (key != last) {
      last = key;
      onPage();
    }
  };
  for (const method of ["pushState", "replaceState"] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History["pushState"]>) {
      original.apply(this, args);
      check();
    };
  }
  addEventListener("popstate", check);
  if (hashRouting) addEventListener("hashchange", check);
}
