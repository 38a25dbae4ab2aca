import { html } from "htm/preact";

/** A value with its label, or a value that reads as its own label. */
export type Choice = string | readonly [value: string, label: string];

interface Props {
  label: string;
  value: string;
  options: readonly Choice[];
  onChange: (value: string) => void;
}

/** One labelled pick from a fixed list (a view's model, order, window...). */
export function ChoiceSelect({ label, value, options, onChange }: Props) {
  return html`<label class="field"><span>${label}</span>
    <select value=${value} onChange=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}>
      ${options.map((o) => (typeof o === "string" ? html`<option value=${o}>${o}</option>` : html`<option value=${o[0]}>${o[1]}</option>`))}
    </select>
  </label>`;
}
