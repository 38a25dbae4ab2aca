import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { ApiEvent } from "../api/types";
import type { ViewProps } from "./view-props";
import { Section } from "../components/section";
import { eventLabel, formatClock, formatDateTime } from "../format";

const POLL_MS = 3000;
const LIMIT = 50;

/** The newest stored events, polled: to check that an installation sends what it should. */
export function LiveView({ api }: ViewProps) {
  const [events, setEvents] = useState<ApiEvent[] | null>(null);
  const [error, setError] = useState("");
  const [paused, setPaused] = useState(false);
  const [checkedAt, setCheckedAt] = useState(0);
  // Ids seen before the latest poll: anything else arrived just now and is highlighted.
  const seen = useRef<Set<string> | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(new Set());

  useEffect(() => {
    if (paused) return;
    let timer = 0;
    let live = true;
    async function poll() {
      try {
        const rows = await api.events(LIMIT);
        if (!live) return;
        const before = seen.current;
        setFresh(new Set(before ? rows.map((r) => r.messageId).filter((id) => !before.has(id)) : []));
        seen.current = new Set([...(before ?? []), ...rows.map((r) => r.messageId)]);
        setEvents(rows);
        setError("");
        setCheckedAt(Date.now());
      } catch (err) {
        if (live) setError((err as Error).message);
      }
      if (live) timer = window.setTimeout(poll, POLL_MS);
    }
    poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, paused]);

  return html`<${Section} title="Live events" hint=${`The ${LIMIT} newest stored events, refreshed every ${POLL_MS / 1000} seconds. Storage goes through a queue, so allow a few seconds.`}>
    <div class="controls">
      <button type="button" aria-pressed=${paused} onClick=${() => setPaused(!paused)}>${paused ? "Resume" : "Pause"}</button>
      <span class="muted" aria-live="polite">${checkedAt ? `Checked at ${formatClock(checkedAt)} UTC` : "Checking…"}</span>
    </div>
    ${error && html`<p class="notice error" role="alert">Could not load: ${error}</p>`}
    ${events === null
      ? html`<p class="notice loading">Loading…</p>`
      : events.length === 0
        ? html`<p class="notice empty">No events yet. Send one from your site or app and it will show here.</p>`
        : html`<div class="table-wrap"><table class="live">
            <thead><tr><th scope="col">Time (UTC)</th><th scope="col">Type</th><th scope="col">Event</th><th scope="col">Page</th><th scope="col">Channel</th><th scope="col">User</th><th scope="col">Anonymous id</th></tr></thead>
            <tbody>
              ${events.map(
                (e) => html`<tr key=${e.messageId} class=${fresh.has(e.messageId) ? "fresh" : undefined}>
                  <td>${formatDateTime(e.timestamp)}</td>
                  <td>${e.type}</td>
                  <td class="event-name">${eventLabel(e)}</td>
                  <td class="page-path" title=${e.page?.url ?? undefined}>${e.page?.path || "—"}</td>
                  <td>${e.channel || "—"}</td>
                  <td>${e.userId || "—"}</td>
                  <td class="muted">${e.anonymousId || "—"}</td>
                </tr>`,
              )}
            </tbody>
          </table></div>`}
  <//>`;
}
