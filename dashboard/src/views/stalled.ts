import { html } from "htm/preact";
import { useState } from "preact/hooks";
import type { ActClient } from "../api/act";
import { ChoiceSelect } from "../components/choice-select";
import type { StalledPerson } from "../api/types";
import type { ViewProps } from "./view-props";
import { EventSelect } from "../components/event-select";
import { Loadable } from "../components/loadable";
import { Section } from "../components/section";
import { formatDateTime, formatInt } from "../format";
import { hrefFor, patchParams } from "../state/route";
import { useFetch } from "../state/use-fetch";
import { navigate } from "../state/use-route";

const WAITS = ["1d", "2d", "3d", "7d", "14d", "30d"];

/** The admin turns the list into a follow-up rule: each person who newly stalls goes to the webhooks once. */
function SaveRule({ act, started, expected, after }: { act: ActClient; started: string; expected: string; after: string }) {
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = `${started}|${expected}|${after}`;
  const save = () => {
    setError(null);
    act.addRule({ started, expected, after }).then(() => setSaved(key), (e: Error) => setError(e.message));
  };
  return html`<span class="save-rule">
    <button type="button" class="icon" disabled=${saved === key} onClick=${save}>${saved === key ? "Saved as a follow-up rule" : "Save as follow-up rule"}</button>
    ${error && html`<span class="notice error" role="alert">${error}</span>`}
  </span>`;
}

/** The follow-up list: people who started something and did not finish it in time. */
export function StalledView({ api, act, query, route }: ViewProps) {
  const { params } = route;
  const started = params.started ?? "quote_requested";
  const expected = params.expected ?? "purchase";
  const after = params.after ?? "3d";
  const set = (patch: Record<string, string | undefined>) => navigate({ view: "stalled", params: patchParams(params, patch) });

  const names = useFetch(() => api.eventNames(query), JSON.stringify(query));
  const stalledQuery = { ...query, started, expected, after };
  const state = useFetch(() => api.stalled(stalledQuery), JSON.stringify(stalledQuery));
  const csv = api.url("/stalled", { ...stalledQuery, format: "csv" });

  return html`<${Section} title="Stalled journeys" hint=${`People who did ${started} but no ${expected} within ${after}: the ones to call back.`}>
    <div class="controls">
      <${EventSelect} label="Started" value=${started} names=${names.data ?? []} onChange=${(name: string) => set({ started: name })} />
      <${EventSelect} label="Expected" value=${expected} names=${names.data ?? []} onChange=${(name: string) => set({ expected: name })} />
      <${ChoiceSelect} label="After" value=${after} options=${WAITS} onChange=${(v: string) => set({ after: v })} />
      ${csv && html`<a class="button" href=${csv} download=${`stalled-${started}-${expected}.csv`}>Export CSV</a>`}
      ${act && html`<${SaveRule} act=${act} started=${started} expected=${expected} after=${after} />`}
    </div>
    <${Loadable} state=${state} isEmpty=${(people: StalledPerson[]) => people.length === 0} empty="Nobody is stalled: every one of them followed through.">
      ${(people: StalledPerson[]) => html`<p class="total">${formatInt(people.length)} people to follow up.</p>
        <div class="table-wrap"><table class="stalled">
          <thead><tr>
            <th scope="col">Person</th><th scope="col">Started</th><th scope="col">Last touchpoint</th>
            <th scope="col">Channel</th><th scope="col">Stage</th><th scope="col">Contact via</th><th scope="col">Next best touchpoint</th>
          </tr></thead>
          <tbody>
            ${people.map(
              (p) => html`<tr>
                <th scope="row"><a href=${hrefFor("timeline", params, { person: p.personId })}>${p.userIds[0] || p.personId}</a></th>
                <td data-label="Started">${formatDateTime(p.startedAt)}</td>
                <td data-label="Last touchpoint">${p.lastTouchpoint ? html`${p.lastTouchpoint.event} <span class="muted">${formatDateTime(p.lastTouchpoint.timestamp)}</span>` : "—"}</td>
                <td data-label="Channel">${p.lastTouchpoint?.channel || "—"}</td>
                <td data-label="Stage">${p.stage || "—"}</td>
                <td data-label="Contact via">${p.contactChannel || "—"}</td>
                <td data-label="Next best touchpoint">${p.nextBestTouchpoint || "—"}</td>
              </tr>`,
            )}
          </tbody>
        </table></div>`}
    <//>
  <//>`;
}
