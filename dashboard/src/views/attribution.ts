import { html } from "htm/preact";
import { ChoiceSelect } from "../components/choice-select";
import { MODELS } from "@parcours/edge/api";
import type { AttributionBody, Model } from "../api/types";
import type { SiteClient } from "../api/client";
import type { ViewProps } from "./view-props";
import { EventSelect } from "../components/event-select";
import { Loadable } from "../components/loadable";
import { Section } from "../components/section";
import { formatDecimal, formatInt } from "../format";
import { patchParams } from "../state/route";
import { useFetch } from "../state/use-fetch";
import { navigate } from "../state/use-route";
import { SegmentPair, sidesOf, type Side } from "../components/segment-pair";
import type { Query } from "../api/types";

/** A label per model of the contract: a model added on the edge does not compile here until named. */
const MODEL_LABELS: Record<Model, string> = {
  first_touch: "First touch",
  last_touch: "Last touch",
  last_non_direct: "Last non-direct",
  linear: "Linear",
  time_decay: "Time decay",
  position_based: "Position based",
  markov: "Markov",
  shapley: "Shapley",
};
export const MODEL_CHOICES: [Model, string][] = MODELS.map((model) => [model, MODEL_LABELS[model]]);

/** Channels present in any model, most credited (summed over models) first. */
export function attributionRows(models: AttributionBody["models"]): string[] {
  const totals = new Map<string, number>();
  for (const credits of Object.values(models)) {
    for (const [channel, credit] of Object.entries(credits)) totals.set(channel, (totals.get(channel) ?? 0) + credit);
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([channel]) => channel);
}

/** Each channel's credit under each model, with bars scaled to the largest credit. */
function AttributionTable({ a, conversion, revenue }: { a: AttributionBody; conversion: string; revenue: boolean }) {
  const rows = attributionRows(a.models);
  const max = Math.max(0, ...Object.values(a.models).flatMap((m) => Object.values(m)));
  return html`<p class="total">${formatInt(a.conversions)} ${a.conversion || conversion} conversions${revenue ? " (credits in revenue)" : ""}.</p>
    <div class="table-wrap"><table class="attribution">
      <thead><tr><th scope="col">Channel</th>${MODEL_CHOICES.map(([, label]) => html`<th scope="col" class="num">${label}</th>`)}</tr></thead>
      <tbody>
        ${rows.map(
          (channel) => html`<tr>
            <th scope="row">${channel}</th>
            ${MODEL_CHOICES.map(([model]) => {
              const credit = a.models[model]?.[channel] ?? 0;
              return html`<td class="num bar-cell" data-model=${model}>
                <span class="cell-bar" style=${{ width: `${max > 0 ? (credit / max) * 100 : 0}%` }}></span>
                <span class="cell-value">${formatDecimal(credit)}</span>
              </td>`;
            })}
          </tr>`,
        )}
      </tbody>
    </table></div>`;
}

/** One side of a side-by-side: the same question for one segment's people (or everyone's). */
function AttributionSide({ api, query, side, conversion, revenue }: { api: SiteClient; query: Query; side: Side; conversion: string; revenue: boolean }) {
  const sideQuery = { ...query, segment: side.segment };
  const state = useFetch(() => api.attribution(sideQuery), JSON.stringify(sideQuery));
  return html`<div class="side" data-side=${side.key}>
    <h3>${side.name}</h3>
    <${Loadable} state=${state} isEmpty=${(a: AttributionBody) => attributionRows(a.models).length === 0} empty=${`No ${conversion} conversions for ${side.name}.`}>
      ${(a: AttributionBody) => html`<${AttributionTable} a=${a} conversion=${conversion} revenue=${revenue} />`}
    <//>
  </div>`;
}

export function AttributionView({ api, query, route, segments }: ViewProps) {
  const { params } = route;
  const conversion = params.conversion ?? "purchase";
  const value = params.value === "revenue" ? "revenue" : "conversions";
  const lookback = params.lookback_days ?? "30";
  const set = (patch: Record<string, string | undefined>) => navigate({ view: "attribution", params: patchParams(params, patch) });

  const names = useFetch(() => api.eventNames(query), JSON.stringify(query));
  const attributionQuery = {
    ...query,
    conversion,
    group_by: "channel",
    lookback_days: lookback,
    value: value === "revenue" ? "revenue" : undefined,
  };
  const sides = sidesOf(params, segments);
  const state = useFetch(() => (sides ? Promise.resolve(null) : api.attribution(attributionQuery)), JSON.stringify([attributionQuery, Boolean(sides)]));
  const revenue = value === "revenue";

  return html`<${Section} title="Attribution" hint="Credit each model gives each channel for the conversions; each column adds up to the total.">
    <div class="controls">
      <${EventSelect} label="Conversion" value=${conversion} names=${names.data ?? []} onChange=${(name: string) => set({ conversion: name })} />
      <${ChoiceSelect} label="Credit" value=${value} options=${[["conversions", "Conversions"], ["revenue", "Revenue"]]}
        onChange=${(v: string) => set({ value: v })} />
      <${ChoiceSelect} label="Lookback" value=${lookback} options=${["7", "14", "30", "60", "90"].map((d) => [d, `${d} days`])}
        onChange=${(v: string) => set({ lookback_days: v })} />
      <${SegmentPair} params=${params} segments=${segments} onChange=${set} />
    </div>
    ${sides
      ? html`<div class="side-by-side">${sides.map((side) => html`<${AttributionSide} key=${side.key} api=${api} query=${attributionQuery} side=${side} conversion=${conversion} revenue=${revenue} />`)}</div>`
      : html`<${Loadable} state=${state} isEmpty=${(a: AttributionBody | null) => !a || attributionRows(a.models).length === 0} empty=${`No ${conversion} conversions in this range.`}>
          ${(a: AttributionBody) => html`<${AttributionTable} a=${a} conversion=${conversion} revenue=${revenue} />`}
        <//>`}
  <//>`;
}
