import { html } from "htm/preact";
import { ChoiceSelect } from "../components/choice-select";
import type { PathsBody } from "../api/types";
import type { ViewProps } from "./view-props";
import { SankeyChart } from "../charts/sankey-chart";
import { EventSelect } from "../components/event-select";
import { Loadable } from "../components/loadable";
import { Section } from "../components/section";
import { formatInt, formatPercent } from "../format";
import { patchParams } from "../state/route";
import { useFetch } from "../state/use-fetch";
import { navigate } from "../state/use-route";

export function PathsView({ api, query, route }: ViewProps) {
  const { params } = route;
  const direction = params.direction === "from" ? "from" : "to";
  const event = params.event ?? "purchase";
  const maxSteps = params.max_steps ?? "5";
  const set = (patch: Record<string, string | undefined>) => navigate({ view: "paths", params: patchParams(params, patch) });

  const names = useFetch(() => api.eventNames(query), JSON.stringify(query));
  const pathQuery = { ...query, [direction]: event, max_steps: maxSteps, top: 20 };
  const paths = useFetch(() => api.paths(pathQuery), JSON.stringify(pathQuery));

  return html`
    <${Section} title="Paths" hint=${direction === "to" ? `The channels people went through before ${event}.` : `Where people went after ${event}.`}>
      <div class="controls">
        <${ChoiceSelect} label="Direction" value=${direction} options=${[["to", "Paths to"], ["from", "Paths from"]]}
          onChange=${(v: string) => set({ direction: v })} />
        <${EventSelect} label="Event" value=${event} names=${names.data ?? []} onChange=${(name: string) => set({ event: name })} />
        <${ChoiceSelect} label="Steps" value=${maxSteps} options=${["3", "4", "5", "6", "8"]} onChange=${(v: string) => set({ max_steps: v })} />
      </div>
      <${Loadable} state=${paths} isEmpty=${(p: PathsBody) => p.paths.length === 0 && p.sankey.links.length === 0}
        empty=${`No journeys ${direction} ${event} in this range.`}>
        ${(p: PathsBody) => (p.sankey.links.length > 0 ? html`<${SankeyChart} data=${p.sankey} align=${direction === "to" ? "right" : "left"} />` : null)}
      <//>
    <//>
    <${Section} title="Top paths">
      <${Loadable} state=${paths} isEmpty=${(p: PathsBody) => p.paths.length === 0}>
        ${(p: PathsBody) => html`<div class="table-wrap"><table class="top-paths">
          <thead><tr><th scope="col">Path</th><th scope="col" class="num">Journeys</th><th scope="col" class="num">Conversions</th><th scope="col" class="num">Rate</th></tr></thead>
          <tbody>
            ${p.paths.map(
              (path) => html`<tr>
                <td><ol class="path">${path.steps.map((s) => html`<li>${s}</li>`)}</ol></td>
                <td class="num">${formatInt(path.journeys)}</td>
                <td class="num">${formatInt(path.conversions)}</td>
                <td class="num">${formatPercent(path.journeys ? path.conversions / path.journeys : 0)}</td>
              </tr>`,
            )}
          </tbody>
        </table></div>`}
      <//>
    <//>
  `;
}
