import { html } from "htm/preact";
import type { JourneyStatsBody } from "../api/types";
import type { ViewProps } from "./view-props";
import { BarList } from "../charts/bar-list";
import { ColumnChart } from "../charts/column-chart";
import { Loadable } from "../components/loadable";
import { Section } from "../components/section";
import { formatInt, formatPercent } from "../format";
import { useFetch } from "../state/use-fetch";

/** The customer cycle, in order; a site-defined stage the API returns is appended after these. */
export const STAGE_ORDER = ["discovery", "consideration", "decision", "service", "loyalty"];

export function orderStages<T extends { stage: string }>(stages: T[]): T[] {
  const rank = (s: string) => (STAGE_ORDER.includes(s) ? STAGE_ORDER.indexOf(s) : STAGE_ORDER.length);
  return [...stages].sort((a, b) => rank(a.stage) - rank(b.stage));
}

export function JourneysView({ api, query }: ViewProps) {
  const stats = useFetch(() => api.journeyStats(query), JSON.stringify(query));
  const isEmpty = (s: JourneyStatsBody) => !s.journeys && s.histogram.length === 0 && s.stages.length === 0;

  return html`<${Loadable} state=${stats} isEmpty=${isEmpty}>
    ${(s: JourneyStatsBody) => {
      const stagePeople = s.stages.reduce((n, st) => n + st.people, 0);
      const shares = (["1", "2", "3+"] as const).map((k) => ({ key: k, share: s.channelCount[k] }));
      return html`
        <${Section} title="Where people stand" hint="People by their latest stage in the customer cycle.">
          ${s.stages.length === 0
            ? html`<p class="notice empty">No stages recorded yet.</p>`
            : html`<${BarList} bars=${orderStages(s.stages).map((st) => ({
                label: st.stage,
                value: st.people,
                text: `${formatInt(st.people)} · ${formatPercent(stagePeople ? st.people / stagePeople : 0)}`,
              }))} />`}
        <//>
        <div class="grid-2">
          <${Section} title="Touchpoints per journey" hint=${`${formatInt(s.journeys)} journeys.`}>
            <${ColumnChart} label="Journeys by number of touchpoints" columns=${s.histogram.map((h) => ({
              label: String(h.touchpoints),
              value: h.journeys,
              text: formatInt(h.journeys),
            }))} />
          <//>
          <${Section} title="Conversion rate by touchpoints" hint="Where adding touchpoints stops helping.">
            <${ColumnChart} label="Conversion rate by number of touchpoints" columns=${s.histogram.map((h) => ({
              label: String(h.touchpoints),
              value: h.conversionRate,
              text: formatPercent(h.conversionRate),
            }))} />
          <//>
        </div>
        <${Section} title="Channels used per journey" hint="Share of journeys that used 1, 2 or 3+ channels.">
          <div class="stacked" role="img" aria-label=${shares.map((x) => `${x.key} channel(s): ${formatPercent(x.share)}`).join(", ")}>
            ${shares.map((x, i) => html`<span class=${`seg seg-${i}`} style=${{ width: `${x.share * 100}%` }}></span>`)}
          </div>
          <ul class="legend">
            ${shares.map((x, i) => html`<li data-channels=${x.key}><span class=${`swatch seg-${i}`}></span>${x.key} channel${x.key === "1" ? "" : "s"}: <strong>${formatPercent(x.share)}</strong></li>`)}
          </ul>
        <//>
      `;
    }}
  <//>`;
}
