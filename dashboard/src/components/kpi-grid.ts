import { html } from "htm/preact";

export interface Kpi {
  name: string;
  label: string;
  value: string;
  /** Against the compared range: "+12%", and which way it went. */
  change?: { text: string; direction: "up" | "down" | "flat" };
}

/** Headline numbers; `name` is a stable hook for tests and for reading the page. */
export function KpiGrid({ items }: { items: Kpi[] }) {
  return html`<dl class="kpis">
    ${items.map(
      (item) => html`<div class="kpi" data-kpi=${item.name}>
        <dt>${item.label}</dt>
        <dd><span class="kpi-value">${item.value}</span>${item.change && html` <span class="kpi-change ${item.change.direction}" data-change=${item.change.direction}>${item.change.text}</span>`}</dd>
      </div>`,
    )}
  </dl>`;
}
