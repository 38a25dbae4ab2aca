import { html } from "htm/preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { createClient } from "./api/client";
import type { Query, ShareSession, SignedIn } from "./api/types";
import { FilterBar } from "./components/filter-bar";
import { resolveRange } from "./state/range";
import { FILTER_KEYS, hrefFor, patchParams, SEGMENT_KEY, SHARED_KEYS, type Route, type ViewName } from "./state/route";
import { useFetch } from "./state/use-fetch";
import { navigate, useRoute } from "./state/use-route";
import { shareOpens, takeShareToken } from "./state/share";
import { Login } from "./views/login";
import { VIEW_COMPONENTS } from "./views";

const NAV: [ViewName, string][] = [
  ["overview", "Overview"],
  ["journeys", "Journeys"],
  ["funnel", "Funnel"],
  ["paths", "Paths"],
  ["attribution", "Attribution"],
  ["channels", "Channels"],
  ["stalled", "Stalled"],
  ["retention", "Retention"],
  ["vitals", "Vitals"],
  ["value", "Value"],
  ["live", "Live events"],
  ["settings", "Settings"],
];

/** Views that read no range or filter. */
const NO_FILTERS = new Set<ViewName>(["live", "timeline", "settings"]);

export function App() {
  // Read once: a tab opened through a shared link stays a shared view.
  const [shareToken] = useState(takeShareToken);
  return shareToken ? html`<${SharedApp} token=${shareToken} />` : html`<${SignedInApp} />`;
}

/** The dashboard through a shared link: its site, its views, read only, no login. */
function SharedApp({ token }: { token: string }) {
  const route = useRoute();
  const [share, setShare] = useState<ShareSession | "refused" | undefined>(undefined);
  // Any 401 (revoked or expired meanwhile) replaces the whole view: no data stays on screen.
  const client = useMemo(() => createClient({ shareToken: token, onUnauthorized: () => setShare("refused") }), []);
  useEffect(() => {
    client.share().then(setShare, () => setShare("refused"));
  }, []);
  useEffect(() => {
    if (share && share !== "refused" && !shareOpens(share.views, route.view) && share.views[0]) {
      navigate({ view: share.views[0], params: {} }, true);
    }
  }, [share, route.view]);

  if (share === undefined) return html`<p class="boot">Loading Parcours…</p>`;
  if (share === "refused") {
    return html`<main class="login"><div class="card">
      <h1>Parcours</h1>
      <p class="notice error" role="alert">This shared link was revoked or has expired. Ask the person who sent it for a new one.</p>
    </div></main>`;
  }
  const session: SignedIn = { signedIn: true, sites: [share.site], admin: false };
  return html`<${Shell} session=${session} route=${route} client=${client} share=${share} />`;
}

function SignedInApp() {
  const route = useRoute();
  const [session, setSession] = useState<SignedIn | null | undefined>(undefined);
  const client = useMemo(() => createClient({ onUnauthorized: () => setSession(null) }), []);
  useEffect(() => {
    client.session().then(setSession, () => setSession(null));
  }, []);

  if (session === undefined) return html`<p class="boot">Loading Parcours…</p>`;
  if (session === null) return html`<${Login} client=${client} onLogin=${setSession} />`;

  const logout = () => client.logout().finally(() => setSession(null));
  return html`<${Shell} session=${session} route=${route} client=${client} onLogout=${logout} />`;
}

interface ShellProps {
  session: SignedIn;
  route: Route;
  client: ReturnType<typeof createClient>;
  onLogout?: () => void;
  /** Set when opened through a shared link: only its views, nothing admin. */
  share?: ShareSession;
}

function Shell({ session, route, client, onLogout, share }: ShellProps) {
  const { params } = route;
  const site = session.sites.find((s) => s.id === params.site) ?? session.sites[0];
  const api = useMemo(() => client.site(site.id), [site.id]);
  const act = useMemo(() => (session.admin ? client.act(site.id) : null), [site.id, session.admin]);

  // The range is resolved once per change of the shared params, not on every render: "last 7
  // days" must not move (and refetch) while the user looks at it.
  const sharedKey = SHARED_KEYS.map((k) => params[k] ?? "").join("|");
  const query = useMemo<Query>(() => {
    const filters = Object.fromEntries(FILTER_KEYS.map((k) => [k, params[k]]));
    return { ...resolveRange(params, Date.now()), ...filters, segment: params[SEGMENT_KEY] };
  }, [sharedKey]);

  const channels = useFetch(() => api.channels({}), site.id);
  // A shared link reads only its views' answers: no saved segments there.
  const [segmentsVersion, setSegmentsVersion] = useState(0);
  const segments = useFetch(() => (share ? Promise.resolve([]) : api.segments()), `${site.id}:${segmentsVersion}`);
  const View = VIEW_COMPONENTS[route.view];
  const linkParams = { ...params, site: site.id };

  return html`<div class="shell">
    <header class="top">
      <a class="brand" href=${hrefFor("overview", linkParams)}>Parcours</a>
      ${session.sites.length > 1
        ? html`<label class="field site-picker"><span class="visually-hidden">Site</span>
            <select value=${site.id}
              onChange=${(e: Event) => navigate({ view: route.view, params: patchParams(params, { site: (e.target as HTMLSelectElement).value }) })}>
              ${session.sites.map((s) => html`<option value=${s.id}>${s.name}</option>`)}
            </select></label>`
        : html`<span class="site-name">${site.name}</span>`}
      ${share
        ? html`<span class="shared-note" role="note">Shared read-only view${share.expiresAt !== null ? ` · until ${new Date(share.expiresAt).toLocaleString()}` : ""}</span>`
        : html`<button type="button" class="link logout" onClick=${onLogout}>Sign out</button>`}
    </header>
    <nav class="views" aria-label="Views">
      ${NAV.filter(([view]) => (share ? shareOpens(share.views, view) : view !== "settings" || session.admin)).map(
        ([view, label]) => html`<a href=${hrefFor(view, linkParams)}
          aria-current=${route.view === view || (view === "stalled" && route.view === "timeline") ? "page" : undefined}>${label}</a>`,
      )}
    </nav>
    ${!NO_FILTERS.has(route.view) && html`<${FilterBar} route=${route} channels=${(channels.data ?? []).map((c) => c.channel)}
      segments=${share ? null : { list: segments.data ?? [], api, changed: () => setSegmentsVersion((n) => n + 1) }} />`}
    <main id="view" class=${`view view-${route.view}`}>
      ${share && !shareOpens(share.views, route.view)
        ? html`<p class="notice" role="alert">This view is not part of the shared link.</p>`
        : html`<${View} key=${`${site.id}:${route.view}`} api=${api} act=${act} query=${query} segments=${segments.data ?? []} route=${{ ...route, params: linkParams }} />`}
    </main>
  </div>`;
}
