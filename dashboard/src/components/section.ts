import { html } from "htm/preact";
import type { ComponentChildren } from "preact";

/** A titled card; the hint says what question the card answers. */
export function Section({ title, hint, children }: { title: string; hint?: string; children: ComponentChildren }) {
  return html`<section class="card">
    <h2>${title}</h2>
    ${hint && html`<p class="hint">${hint}</p>`}
    ${children}
  </section>`;
}
