import { html } from "htm/preact";

export interface Bar {
  label: string;
  value: number;
  /** Shown beside the bar instead of the raw value (e.g. "42 · 12%"). */
  text?: string;
  tone?: "accent" | "warn";
}

/** Horizontal CSS bars, scaled to the largest value: channel mix, stages, funnel steps. */
export function BarList({ bars, max }: { bars: Bar[]; max?: number }) {
  const top = max ?? Math.max(0, ...bars.map((b) => b.value));
  return html`<ul class="bar-list">
    ${bars.map(
      (bar) => html`<li class=${bar.tone ? `tone-${bar.tone}` : undefined}>
        <span class="bar-label">${bar.label}</span>
        <span class="bar-track"><span class="bar-fill" style=${{ width: `${top > 0 ? (bar.value / top) * 100 : 0}%` }}></span></span>
        <span class="bar-value">${bar.text ?? bar.value}</span>
      </li>`,
    )}
  </ul>`;
}
