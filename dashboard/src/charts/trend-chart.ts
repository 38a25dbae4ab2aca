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

/** The compared range's lines: the same colours, dashed and lighter. */
const PREVIOUS_DASH = [6, 4];

/**
 * People, sessions and conversions per day; conversions get their own axis (a far smaller scale).
 * With `previous` (the compared range, as many points), its lines are drawn dashed over the same
 * days: the n-th day of the previous range beside the n-th of this one.
 */
export function TrendChart({ points, previous = null }: { points: TimePoint[]; previous?: TimePoint[] | null }) {
  const { options, data } = useMemo(() => {
    const xs = points.map((p) => Date.parse(p.t.length === 10 ? `${p.t}T00:00:00Z` : p.t) / 1000);
    const before = previous ? SERIES.map((s) => points.map((_, i) => previous[i]?.[s.key] ?? null)) : [];
    const data: uPlot.AlignedData = [xs, ...SERIES.map((s) => points.map((p) => p[s.key])), ...before];
    const show = { show: points.length < 40 };
    const strokes = [null, ...SERIES.map((s) => s.stroke), ...SERIES.map((s) => s.stroke)];
    const options: Omit<uPlot.Options, "width" | "height"> = {
      // Days are UTC days in the API; show them as such whatever the viewer's time zone.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      scales: { x: { time: true } },
      series: [
        { label: "Day" },
        ...SERIES.map((s) => ({ label: s.label, stroke: s.stroke, width: 2, scale: s.scale, points: show })),
        ...(previous ? SERIES.map((s) => ({ label: `${s.label} (previous)`, stroke: `${s.stroke}99`, width: 2, dash: PREVIOUS_DASH, scale: s.scale, points: { show: false } })) : []),
      ],
      axes: [{}, { scale: "count" }, { scale: "conversions", side: 1, grid: { show: false } }],
      // The legend's swatch of a dashed line is dashed too. (uPlot replaces its marker defaults
      // whole when given any, so all of them are named here.)
      legend: {
        markers: {
          show: true,
          width: 2,
          stroke: (_u: uPlot, i: number) => strokes[i] ?? "transparent",
          fill: () => "transparent",
          dash: (_u: uPlot, i: number) => (i > SERIES.length ? "dashed" : "solid"),
        },
      },
    };
    return { options, data };
  }, [points, previous]);
  const label = `People, sessions and conversions per day over ${points.length} days${previous ? ", the previous period dashed" : ""}`;
  return html`<${UPlotChart} options=${options} data=${data} label=${label} />`;
}
