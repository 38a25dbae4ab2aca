import { html } from "htm/preact";
import { VITAL_NAMES, VITAL_RATINGS } from "@parcours/edge/api";
import type { PageEngagement, PageVitals, VitalName, VitalRating, VitalSummary } from "../api/types";
import type { ViewProps } from "./view-props";
import { Loadable } from "../components/loadable";
import { Section } from "../components/section";
import { formatDuration, formatInt, formatPercent, formatVital } from "../format";
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

/** How the page holds its visitors, beside how fast it is: visits, mean scroll depth, mean engaged time. */
function EngagementCells({ engagement }: { engagement: PageEngagement | undefined }) {
  if (!engagement) return html`<td class="num muted">—</td><td class="num muted">—</td><td class="num muted">—</td>`;
  return html`<td class="num" data-metric="visits">${formatInt(engagement.visits)}</td>
    <td class="num" data-metric="scroll">${engagement.scrollDepthAvg === null ? "—" : formatPercent(engagement.scrollDepthAvg / 100)}</td>
    <td class="num" data-metric="engaged">${formatDuration(engagement.engagedMsAvg)}</td>`;
}

export function VitalsView({ api, query }: ViewProps) {
  const state = useFetch(() => api.vitals(query), JSON.stringify(query));
  return html`<${Section} title="Core Web Vitals" hint="75th percentile per page; the strip under each value shows the good / needs-improvement / poor shares. Engagement: visits reported, mean scroll depth and mean engaged time per visit.">
    <${Loadable} state=${state} isEmpty=${(pages: PageVitals[]) => pages.length === 0} empty="No vitals yet: enable the vitals script on your pages (engagement comes from Plausible's tracker).">
      ${(pages: PageVitals[]) => html`<div class="table-wrap"><table class="vitals">
        <thead><tr><th scope="col">Page</th><th scope="col" class="num">Samples</th>${VITAL_NAMES.map((n) => html`<th scope="col" class="num">${n}</th>`)}
          <th scope="col" class="num">Visits</th><th scope="col" class="num">Scroll depth</th><th scope="col" class="num">Engaged time</th></tr></thead>
        <tbody>
          ${[...pages]
            .sort((a, b) => b.samples - a.samples)
            .map(
              (p) => html`<tr>
                <th scope="row">${p.path}</th>
                <td class="num">${formatInt(p.samples)}</td>
                ${VITAL_NAMES.map((n) => html`<${VitalCell} name=${n} metric=${p.metrics[n]} />`)}
                <${EngagementCells} engagement=${p.engagement} />
              </tr>`,
            )}
        </tbody>
      </table></div>
      <ul class="legend">${RATINGS.map((r) => html`<li><span class=${`swatch ${r}`}></span>${VITAL_RATINGS[r]}</li>`)}</ul>`}
    <//>
  <//>`;
}
