import { html } from "htm/preact";
import type { EventNameCount } from "../api/types";
import { formatInt } from "../format";

interface Props {
  label: string;
  value: string;
  names: EventNameCount[];
  onChange: (name: string) => void;
}

/** Picks one event name; keeps the current value listed even before (or without) the name list. */
export function EventSelect({ label, value, names, onChange }: Props) {
  const listed = names.some((n) => n.name === value);
  return html`<label class="field"><span>${label}</span>
    <select value=${value} onChange=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}>
      ${!listed && html`<option value=${value}>${value}</option>`}
      ${names.map((n) => html`<option value=${n.name}>${n.name} (${formatInt(n.count)})</option>`)}
    </select>
  </label>`;
}
