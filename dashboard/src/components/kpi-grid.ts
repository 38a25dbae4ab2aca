import { html } from "htm/preact";

/** Headline numbers; `name` is a stable hook for tests and for reading the page. */
export function KpiGrid({ items }: { items: { name: string; label: string; value: string }[] }) {
  return html`<dl class="kpis">
    ${items.map(
      (item) => html`<div class="kpi" data-kpi=${item.name}>
        <dt>${item.label}</dt>
        <dd>${item.value}</dd>
      </div>`,
    )}
  </dl>`;
}
