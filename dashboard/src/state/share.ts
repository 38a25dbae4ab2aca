// A dashboard opened through a shared link (`/#share=psh_...`): the token sits in the fragment, so
// no server sees it in a request line or a Referer. On load it moves into this tab's
// sessionStorage and the address bar shows the view route instead.
import type { ShareView } from "../api/types";
import type { ViewName } from "./route";

const KEY = "parcours_share";

/** The token a share URL's fragment carries, or null. */
export function shareTokenOf(hash: string): string | null {
  const m = /^#share=([A-Za-z0-9_-]+)$/.exec(hash);
  return m ? m[1] : null;
}

/** Whether a link's views open this dashboard view (a timeline is reached from the people lists). */
export function shareOpens(views: readonly ShareView[], view: ViewName): boolean {
  if (view === "timeline") return views.includes("stalled") || views.includes("value");
  return (views as readonly string[]).includes(view);
}

/** This tab's share token: from a share URL just opened, else the one it opened before. */
export function takeShareToken(): string | null {
  const fresh = shareTokenOf(location.hash);
  if (fresh) {
    sessionStorage.setItem(KEY, fresh);
    history.replaceState(null, "", `${location.pathname}${location.search}#/`);
    return fresh;
  }
  return sessionStorage.getItem(KEY);
}
