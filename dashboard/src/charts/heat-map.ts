import { html } from "htm/preact";

interface Props {
  rows: string[];
  columns: string[];
  /** values[row][column] */
  values: number[][];
  format: (value: number) => string;
  caption: string;
  rowHeader: string;
}

/** A table whose cells are shaded by value: readable by screen readers and on any width. */
export function HeatMap({ rows, columns, values, format, caption, rowHeader }: Props) {
  const max = Math.max(0, ...values.flat());
  return html`<div class="table-wrap"><table class="heat-map">
    <caption>${caption}</caption>
    <thead><tr><th scope="col">${rowHeader}</th>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
    <tbody>
      ${rows.map(
        (row, i) => html`<tr>
          <th scope="row">${row}</th>
          ${columns.map((_, j) => {
            const value = values[i]?.[j] ?? 0;
            const strength = max > 0 ? value / max : 0;
            return html`<td class=${strength > 0.55 ? "hot" : undefined}
              style=${{ background: `rgba(37, 99, 235, ${(strength * 0.85).toFixed(3)})` }}>${format(value)}</td>`;
          })}
        </tr>`,
      )}
    </tbody>
  </table></div>`;
}
