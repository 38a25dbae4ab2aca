import { html } from "htm/preact";

export interface Column {
  label: string;
  value: number;
  text: string;
}

/** Vertical CSS columns for small histograms (a handful of buckets, labels under each). */
export function ColumnChart({ columns, label, max }: { columns: Column[]; label: string; max?: number }) {
  const top = max ?? Math.max(0, ...columns.map((c) => c.value));
  return html`<figure class="columns" aria-label=${label}>
    ${columns.map(
      (c) => html`<div class="column">
        <span class="column-value">${c.text}</span>
        <span class="column-track"><span class="column-fill" style=${{ height: `${top > 0 ? (c.value / top) * 100 : 0}%` }}></span></span>
        <span class="column-label">${c.label}</span>
      </div>`,
    )}
  </figure>`;
}
