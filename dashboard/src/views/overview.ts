import { html } from "htm/preact";
import type { ChannelRow, OverviewBody, TimePoint } from "../api/types";
import type { ViewProps } from "./view-props";
import { BarList } from "../charts/bar-list";
import { TrendChart } from "../charts/trend-chart";
import { KpiGrid } from "../components/kpi-grid";
import { Loadable } from "../components/loadable";
import { Section } from "../components/section";
import { formatDecimal, formatDuration, formatInt, formatPercent } from "../format";
import { useFetch } from "../state/use-fetch";

export function OverviewView({ api, query }: ViewProps) {
  const key = JSON.stringify(query);
  const overview = useFetch(() => api.overview(query), key);
  const trend = useFetch(() => api.timeseries(query), key);
  const channels = useFetch(() => api.channels(query), key);

  return html`
    <${Section} title="Overview">
      <${Loadable} state=${overview}>
        ${(o: OverviewBody) => html`<${KpiGrid} items=${[
          { name: "people", label: "People", value: formatInt(o.people) },
          { name: "sessions", label: "Sessions", value: formatInt(o.sessions) },
          { name: "touchpoints", label: "Touchpoints", value: formatInt(o.touchpoints) },
          { name: "conversions", label: "Conversions", value: formatInt(o.conversions) },
          { name: "conversionRate", label: "Conversion rate", value: formatPercent(o.conversionRate) },
          { name: "avgTouchpointsPerJourney", label: "Touchpoints per journey", value: formatDecimal(o.avgTouchpointsPerJourney) },
          { name: "medianTimeToConvertMs", label: "Median time to convert", value: formatDuration(o.medianTimeToConvertMs) },
        ]} />`}
      <//>
    <//>
    <${Section} title="Trend" hint="People, sessions (left axis) and conversions (right axis) per day.">
      <${Loadable} state=${trend} isEmpty=${(points: unknown[]) => points.length === 0}>
        ${(points: TimePoint[]) => html`<${TrendChart} points=${points} />`}
      <//>
    <//>
    <${Section} title="Channel mix" hint="Touchpoints per channel, with the conversions that followed.">
      <${Loadable} state=${channels} isEmpty=${(rows: unknown[]) => rows.length === 0}>
        ${(rows: ChannelRow[]) => {
          const total = rows.reduce((n, r) => n + r.touchpoints, 0);
          const bars = [...rows]
            .sort((a, b) => b.touchpoints - a.touchpoints)
            .map((r) => ({
              label: r.channel,
              value: r.touchpoints,
              text: `${formatInt(r.touchpoints)} · ${formatPercent(total ? r.touchpoints / total : 0)} · ${formatInt(r.conversions)} conv.`,
            }));
          return html`<${BarList} bars=${bars} />`;
        }}
      <//>
    <//>
  `;
}
