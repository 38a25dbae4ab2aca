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
import { SegmentPair, sidesOf, type Side } from "../components/segment-pair";
import type { SiteClient } from "../api/client";
import type { Query } from "../api/types";

/** The most common paths, with how often each converted. */
function TopPaths({ p }: { p: PathsBody }) {
  return html`<div class="table-wrap"><table class="top-paths">
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
  </table></div>`;
}

/** One side of a side-by-side: the same paths for one segment's people (or everyone's). */
function PathsSide({ api, query, side }: { api: SiteClient; query: Query; side: Side }) {
  const sideQuery = { ...query, segment: side.segment };
  const state = useFetch(() => api.paths(sideQuery), JSON.stringify(sideQuery));
  return html`<div class="side" data-side=${side.key}>
    <h3>${side.name}</h3>
    <${Loadable} state=${state} isEmpty=${(p: PathsBody) => p.paths.length === 0}>${(p: PathsBody) => html`<${TopPaths} p=${p} />`}<//>
  </div>`;
}

export function PathsView({ api, query, route, segments }: ViewProps) {
  const { params } = route;
  const direction = params.direction === "from" ? "from" : "to";
  const event = params.event ?? "purchase";
  const maxSteps = params.max_steps ?? "5";
  const set = (patch: Record<string, string | undefined>) => navigate({ view: "paths", params: patchParams(params, patch) });

  const names = useFetch(() => api.eventNames(query), JSON.stringify(query));
  const pathQuery = { ...query, [direction]: event, max_steps: maxSteps, top: 20 };
  const paths = useFetch(() => api.paths(pathQuery), JSON.stringify(pathQuery));
  const sides = sidesOf(params, segments);

  return html`
    <${Section} title="Paths" hint=${direction === "to" ? `The channels people went through before ${event}.` : `Where people went after ${event}.`}>
      <div class="controls">
        <${ChoiceSelect} label="Direction" value=${direction} options=${[["to", "Paths to"], ["from", "Paths from"]]}
          onChange=${(v: string) => set({ direction: v })} />
        <${EventSelect} label="Event" value=${event} names=${names.data ?? []} onChange=${(name: string) => set({ event: name })} />
        <${ChoiceSelect} label="Steps" value=${maxSteps} options=${["3", "4", "5", "6", "8"]} onChange=${(v: string) => set({ max_steps: v })} />
        <${SegmentPair} params=${params} segments=${segments} onChange=${set} />
      </div>
      <${Loadable} state=${paths} isEmpty=${(p: PathsBody) => p.paths.length === 0 && p.sankey.links.length === 0}
        empty=${`No journeys ${direction} ${event} in this range.`}>
        ${(p: PathsBody) => (p.sankey.links.length > 0 ? html`<${SankeyChart} data=${p.sankey} align=${direction === "to" ? "right" : "left"} />` : null)}
      <//>
    <//>
    ${sides && html`<${Section} title="Top paths side by side">
      <div class="side-by-side">${sides.map((side) => html`<${PathsSide} key=${side.key} api=${api} query=${pathQuery} side=${side} />`)}</div>
    <//>`}
    <${Section} title="Top paths">
      <${Loadable} state=${paths} isEmpty=${(p: PathsBody) => p.paths.length === 0}>
        ${(p: PathsBody) => html`<${TopPaths} p=${p} />`}
      <//>
    <//>
  `;
}
