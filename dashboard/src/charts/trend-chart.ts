import { html } from "htm/preact";
import { useMemo } from "preact/hooks";
import uPlot from "uplot";
import type { TimePoint } from "../api/types";
import { UPlotChart } from "./uplot-chart";

const SERIES: { key: keyof Omit<TimePoint, "t">; label: string; stroke: string; scale: string }[] = [
  { key: "people", label: "People", stroke: "#2563eb", scale: "count" },
  { key: "sessions", label: "Sessions", stroke: "#0d9488", scale: "count" },
  { key: "conversions", label: "Conversions", stroke: "#d97706", scale: "conversions" },
];

/** People, sessions and conversions per day; conversions get their own axis (a far smaller scale). */
export function TrendChart({ points }: { points: TimePoint[] }) {
  const { options, data } = useMemo(() => {
    const xs = points.map((p) => Date.parse(p.t.length === 10 ? `${p.t}T00:00:00Z` : p.t) / 1000);
    const data: uPlot.AlignedData = [xs, ...SERIES.map((s) => points.map((p) => p[s.key]))];
    const options: Omit<uPlot.Options, "width" | "height"> = {
      // Days are UTC days in the API; show them as such whatever the viewer's time zone.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      scales: { x: { time: true } },
      series: [
        { label: "Day" },
        ...SERIES.map((s) => ({ label: s.label, stroke: s.stroke, width: 2, scale: s.scale, points: { show: points.length < 40 } })),
      ],
      axes: [{}, { scale: "count" }, { scale: "conversions", side: 1, grid: { show: false } }],
    };
    return { options, data };
  }, [points]);
  const label = `People, sessions and conversions per day over ${points.length} days`;
  return html`<${UPlotChart} options=${options} data=${data} label=${label} />`;
}
