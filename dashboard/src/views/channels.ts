import { html } from "htm/preact";
import type { TransitionsBody } from "../api/types";
import type { ViewProps } from "./view-props";
import { HeatMap } from "../charts/heat-map";
import { Loadable } from "../components/loadable";
import { Section } from "../components/section";
import { formatInt, formatPercent } from "../format";
import { patchParams } from "../state/route";
import { useFetch } from "../state/use-fetch";
import { navigate } from "../state/use-route";

/** Each row as shares of its total: "of the people leaving phone, where did they go?" */
export function rowShares(matrix: number[][]): number[][] {
  return matrix.map((row) => {
    const total = row.reduce((n, v) => n + v, 0);
    return row.map((v) => (total > 0 ? v / total : 0));
  });
}

export function ChannelsView({ api, query, route }: ViewProps) {
  const { params } = route;
  const asShare = params.scale === "share";
  const state = useFetch(() => api.transitions(query), JSON.stringify(query));

  return html`<${Section} title="Channel switches" hint="How often a touchpoint in the row's channel was followed by one in the column's channel.">
    <div class="controls" role="radiogroup" aria-label="Scale">
      ${[
        ["count", "Counts"],
        ["share", "Row share"],
      ].map(
        ([value, label]) => html`<label class="radio">
          <input type="radio" name="scale" value=${value} checked=${(value === "share") === asShare}
            onChange=${() => navigate({ view: "channels", params: patchParams(params, { scale: value === "share" ? "share" : undefined }) })} />
          ${label}
        </label>`,
      )}
    </div>
    <${Loadable} state=${state} isEmpty=${(t: TransitionsBody) => t.channels.length === 0 || t.matrix.flat().every((v) => v === 0)}>
      ${(t: TransitionsBody) => html`<${HeatMap} rows=${t.channels} columns=${t.channels}
        values=${asShare ? rowShares(t.matrix) : t.matrix} format=${asShare ? formatPercent : formatInt}
        caption="From (rows) → to (columns)" rowHeader="From \\ To" />`}
    <//>
  <//>`;
}
