import { html } from "htm/preact";
import { VITAL_NAMES, VITAL_RATINGS } from "@parcours/edge/api";
import type { PageVitals, VitalName, VitalRating, VitalSummary } from "../api/types";
import type { ViewProps } from "./view-props";
import { Loadable } from "../components/loadable";
import { Section } from "../components/section";
import { formatInt, formatPercent, formatVital } from "../format";
import { useFetch } from "../state/use-fetch";

const RATINGS = Object.keys(VITAL_RATINGS) as VitalRating[];

/** The rating is the edge's (thresholds live once, in the API contract); the class names it as sent. */
function VitalCell({ name, metric }: { name: VitalName; metric: VitalSummary | undefined }) {
  if (!metric) return html`<td class="num muted">—</td>`;
  const shares = RATINGS.map((r) => `${VITAL_RATINGS[r]} ${formatPercent(metric[r])}`).join(", ");
  return html`<td class=${`num vital ${metric.rating}`} data-metric=${name} title=${shares}>
    <span class="vital-value">${formatVital(name, metric.p75)}</span>
    <span class="visually-hidden"> (${VITAL_RATINGS[metric.rating]})</span>
    <span class="shares" aria-hidden="true">
      ${RATINGS.map((r) => html`<span class=${r} style=${{ width: `${metric[r] * 100}%` }}></span>`)}
    </span>
  </td>`;
}

export function VitalsView({ api, query }: ViewProps) {
  const state = useFetch(() => api.vitals(query), JSON.stringify(query));
  return html`<${Section} title="Core Web Vitals" hint="75th percentile per page; the strip under each value shows the good / needs-improvement / poor shares.">
    <${Loadable} state=${state} isEmpty=${(pages: PageVitals[]) => pages.length === 0} empty="No vitals yet: enable the vitals script on your pages.">
      ${(pages: PageVitals[]) => html`<div class="table-wrap"><table class="vitals">
        <thead><tr><th scope="col">Page</th><th scope="col" class="num">Samples</th>${VITAL_NAMES.map((n) => html`<th scope="col" class="num">${n}</th>`)}</tr></thead>
        <tbody>
          ${[...pages]
            .sort((a, b) => b.samples - a.samples)
            .map(
              (p) => html`<tr>
                <th scope="row">${p.path}</th>
                <td class="num">${formatInt(p.samples)}</td>
                ${VITAL_NAMES.map((n) => html`<${VitalCell} name=${n} metric=${p.metrics[n]} />`)}
              </tr>`,
            )}
        </tbody>
      </table></div>
      <ul class="legend">${RATINGS.map((r) => html`<li><span class=${`swatch ${r}`}></span>${VITAL_RATINGS[r]}</li>`)}</ul>`}
    <//>
  <//>`;
}
