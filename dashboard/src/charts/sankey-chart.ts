import { sankey, sankeyLeft, sankeyLinkHorizontal, sankeyRight, type SankeyLink, type SankeyNode } from "d3-sankey";
import { html } from "htm/preact";
import { useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Sankey } from "../api/types";

interface Node extends SankeyNode {
  name: string;
}

const COLOURS = ["#2563eb", "#0d9488", "#d97706", "#7c3aed", "#db2777", "#65a30d", "#0891b2", "#dc2626"];
const MARGIN = 4;

/**
 * Paths as a Sankey diagram laid out by d3-sankey. Paths *to* an event read right-aligned (they
 * all end at it), paths *from* an event left-aligned.
 */
export function SankeyChart({ data, align }: { data: Sankey; align: "left" | "right" }) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  // Measured before paint (not only when the observer first reports, a frame later) so the
  // chart arrives with the table instead of after it.
  useLayoutEffect(() => {
    const root = box.current as HTMLDivElement;
    setWidth(root.clientWidth);
    const observer = new ResizeObserver(() => setWidth(root.clientWidth));
    observer.observe(root);
    return () => observer.disconnect();
  }, []);

  const height = Math.max(260, Math.min(640, data.nodes.length * 28));
  const layout = useMemo(() => {
    if (width === 0) return null;
    // d3-sankey mutates its input; give it copies. It also rejects cycles, which a malformed
    // graph may hold: then the table below the chart is the answer.
    try {
      return sankey<Node, SankeyLink<Node>>()
        .nodeWidth(12)
        .nodePadding(14)
        .nodeAlign(align === "right" ? sankeyRight : sankeyLeft)
        .extent([
          [MARGIN, MARGIN],
          [width - MARGIN, height - MARGIN],
        ])({ nodes: data.nodes.map((n) => ({ name: n.name })), links: data.links.map((l) => ({ ...l })) });
    } catch {
      return null;
    }
  }, [data, width, height, align]);

  const colour = (name: string) => COLOURS[[...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % COLOURS.length];
  const link = sankeyLinkHorizontal();

  return html`<div class="sankey" ref=${box}>
    ${width > 0 && !layout && html`<p class="notice empty">These paths cannot be drawn as a flow; see the table.</p>`}
    ${layout &&
    html`<svg width=${width} height=${height} role="img" aria-label=${`Flow of journeys between ${data.nodes.length} steps`}>
      <g fill="none" stroke-opacity="0.35">
        ${layout.links.map(
          (l) => html`<path d=${link(l) ?? ""} stroke=${colour((l.source as Node).name)} stroke-width=${Math.max(1, l.width ?? 1)}>
            <title>${(l.source as Node).name} → ${(l.target as Node).name}: ${l.value}</title>
          </path>`,
        )}
      </g>
      ${layout.nodes.map((n) => {
        const x0 = n.x0 ?? 0;
        const x1 = n.x1 ?? 0;
        const y0 = n.y0 ?? 0;
        const y1 = n.y1 ?? 0;
        const leftHalf = x0 < width / 2;
        return html`<g>
          <rect x=${x0} y=${y0} width=${x1 - x0} height=${Math.max(1, y1 - y0)} fill=${colour(n.name)}>
            <title>${n.name}: ${n.value}</title>
          </rect>
          <text x=${leftHalf ? x1 + 6 : x0 - 6} y=${(y0 + y1) / 2} dy="0.35em" text-anchor=${leftHalf ? "start" : "end"}>${n.name}</text>
        </g>`;
      })}
    </svg>`}
  </div>`;
}
