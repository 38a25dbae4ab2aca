import { html } from "htm/preact";
import type { ChannelRow, Compared, OverviewBody, TimePoint } from "../api/types";
import type { ViewProps } from "./view-props";
import { BarList } from "../charts/bar-list";
import { TrendChart } from "../charts/trend-chart";
import { KpiGrid } from "../components/kpi-grid";
import { Loadable } from "../components/loadable";
import { Section } from "../components/section";
import { formatChange, formatDecimal, formatDuration, formatInt, formatPercent } from "../format";
import { useFetch } from "../state/use-fetch";

/** The headline numbers, in order; with a comparison each shows its change. */
const KPIS: { name: keyof OverviewBody; label: string; format: (v: number | null) => string }[] = [
  { name: "people", label: "People", format: formatInt },
  { name: "sessions", label: "Sessions", format: formatInt },
  { name: "touchpoints", label: "Touchpoints", format: formatInt },
  { name: "conversions", label: "Conversions", format: formatInt },
  { name: "conversionRate", label: "Conversion rate", format: formatPercent },
  { name: "avgTouchpointsPerJourney", label: "Touchpoints per journey", format: formatDecimal },
  { name: "medianTimeToConvertMs", label: "Median time to convert", format: formatDuration },
];

export function OverviewView({ api, query, route }: ViewProps) {
  // Only this view shows a comparison, so only its questions ask for one.
  const compare = route.params.compare === "previous" || route.params.compare === "year" ? route.params.compare : undefined;
  const compareQuery = { ...query, compare };
  const key = JSON.stringify(query);
  const overview = useFetch(() => api.overview(compareQuery), JSON.stringify(compareQuery));
  const trend = useFetch(() => api.trend(compareQuery), JSON.stringify(compareQuery));
  const channels = useFetch(() => api.channels(query), key);

  return html`
    <${Section} title="Overview">
      <${Loadable} state=${overview}>
        ${(o: Compared<OverviewBody>) => html`<${KpiGrid} items=${KPIS.map((k) => ({
          name: k.name,
          label: k.label,
          value: k.format(o[k.name]),
          change: o.previous ? formatChange(o[k.name], o.previous[k.name]) : undefined,
        }))} />
        ${o.previousRange && html`<p class="hint compared-with">Compared with ${o.previousRange.from.slice(0, 10)} to ${o.previousRange.to.slice(0, 10)}.</p>`}`}
      <//>
    <//>
    <${Section} title="Trend" hint=${`People, sessions (left axis) and conversions (right axis) per day${compare ? "; the compared period dashed" : ""}.`}>
      <${Loadable} state=${trend} isEmpty=${(t: { points: unknown[] }) => t.points.length === 0}>
        ${(t: { points: TimePoint[]; previous: TimePoint[] | null }) => html`<${TrendChart} points=${t.points} previous=${t.previous} />`}
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
