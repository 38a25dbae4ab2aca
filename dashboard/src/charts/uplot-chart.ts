import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";

interface Props {
  /** Options without size: the chart takes its container's width. */
  options: Omit<uPlot.Options, "width" | "height">;
  data: uPlot.AlignedData;
  height?: number;
  /** uPlot draws on a canvas, so screen readers get this summary instead. */
  label: string;
}

/** Mounts a uPlot chart and keeps it as wide as its container (phone screens included). */
export function UPlotChart({ options, data, height = 240, label }: Props) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = box.current as HTMLDivElement;
    const width = () => Math.max(root.clientWidth, 200);
    const chart = new uPlot({ ...options, width: width(), height }, data, root);
    const observer = new ResizeObserver(() => chart.setSize({ width: width(), height }));
    observer.observe(root);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [options, data, height]);
  return html`<div class="chart" ref=${box} role="img" aria-label=${label}></div>`;
}
