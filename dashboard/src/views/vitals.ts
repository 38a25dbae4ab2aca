import { html } from "htm/preact";
import type { VitalMetric, VitalsPage } from "../api";
import type { ViewProps } from "../app";
import { Loadable } from "../components/loadable";
import { Section } from "../components/section";
import { formatInt, formatPercent } from "../format";
import { useFetch } from "../state/use-fetch";
import { formatVital, rateVital, VITAL_NAMES } from "./vitals-rating";

const RATING_LABEL = { good: "good", "needs-improvement": "needs improvement", poor: "poor" };

function VitalCell({ name, metric }: { name: string; metric: VitalMetric | undefined }) {
  if (!metric || metric.p75 === null) return html`<td class="num muted">—</td>`;
  const rating = rateVital(name, metric.p75);
  const shares = `good ${formatPercent(metric.good)}, needs improvement ${formatPercent(metric.needsImprovement)}, poor ${formatPercent(metric.poor)}`;
  return html`<td class=${`num vital ${rating ?? ""}`} data-metric=${name} title=${shares}>
    <span class="vital-value">${formatVital(name, metric.p75)}</span>
    ${rating && html`<span class="visually-hidden"> (${RATING_LABEL[rating]})</span>`}
    <span class="shares" aria-hidden="true">
      <span class="good" style=${{ width: `${metric.good * 100}%` }}></span>
      <span class="needs-improvement" style=${{ width: `${metric.needsImprovement * 100}%` }}></span>
      <span class="poor" style=${{ width: `${metric.poor * 100}%` }}></span>
    </span>
  </td>`;
}

export function VitalsView({ api, query }: ViewProps) {
  const state = useFetch(() => api.vitals(query), JSON.stringify(query));
  return html`<${Section} title="Core Web Vitals" hint="75th percentile per page; the strip under each value shows the good / needs-improvement / poor shares.">
    <${Loadable} state=${state} isEmpty=${(pages: VitalsPage[]) => pages.length === 0} empty="No vitals yet: enable the vitals script on your pages.">
      ${(pages: VitalsPage[]) => html`<div class="table-wrap"><table class="vitals">
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
      <ul class="legend"><li><span class="swatch good"></span>good</li><li><span class="swatch needs-improvement"></span>needs improvement</li><li><span class="swatch poor"></span>poor</li></ul>`}
    <//>
  <//>`;
}
