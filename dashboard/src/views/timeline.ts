import { html } from "htm/preact";
import type { TimelineBody } from "../api/types";
import type { ViewProps } from "./view-props";
import { Loadable } from "../components/loadable";
import { Section } from "../components/section";
import { eventLabel, formatDateTime } from "../format";
import { hrefFor } from "../state/route";
import { useFetch } from "../state/use-fetch";

/** A few properties are enough to recognise an event; the full object stays one click away. */
function propertySummary(properties: Record<string, unknown> | null): string {
  return Object.entries(properties ?? {})
    .filter(([, v]) => v !== null && typeof v !== "object")
    .slice(0, 4)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(" · ");
}

/** One person's every event across devices and channels, oldest first. */
export function TimelineView({ api, route }: ViewProps) {
  const person = route.params.person ?? "";
  const state = useFetch(() => (person ? api.timeline(person) : Promise.resolve(null)), person);
  const back = html`<a class="back" href=${hrefFor("stalled", route.params)}>← Stalled journeys</a>`;
  if (!person) return html`${back}<p class="notice empty">No person chosen.</p>`;

  return html`${back}
    <${Loadable} state=${state} isEmpty=${(t: TimelineBody | null) => !t || t.events.length === 0} empty="No events for this person.">
      ${(t: TimelineBody) => html`<${Section} title=${`TimelineBody of ${t.userIds[0] || t.personId}`}>
        <dl class="ids">
          <dt>Person</dt><dd>${t.personId}</dd>
          <dt>User ids</dt><dd>${t.userIds.join(", ") || "—"}</dd>
          <dt>Anonymous ids</dt><dd>${t.anonymousIds.join(", ") || "—"}</dd>
        </dl>
        ${t.rawSince && html`<p class="notice">Events before ${formatDateTime(t.rawSince)} have aged out of the raw store: they still count in every journey answer, but only feedback responses are listed here.</p>`}
        <ol class="timeline">
          ${t.events.map(
            (e) => html`<li class=${e.touchpoint ? "touchpoint" : undefined}>
              <time>${formatDateTime(e.timestamp)}</time>
              <span class="channel">${e.channel || "—"}</span>
              <span class="event">${eventLabel(e)}</span>
              ${e.page?.path && e.event && html`<span class="path">${e.page.path}</span>`}
              ${e.stage && html`<span class="stage">${e.stage}</span>`}
              ${e.touchpoint && html`<span class="badge">touchpoint</span>`}
              <details><summary>${propertySummary(e.properties) || "details"}</summary>
                <pre>${JSON.stringify(e, null, 2)}</pre>
              </details>
            </li>`,
          )}
        </ol>
      <//>`}
    <//>`;
}
