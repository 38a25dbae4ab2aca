import { html } from "htm/preact";
import type { ComponentChildren } from "preact";
import type { FetchState } from "../state/use-fetch";

interface Props<T> {
  state: FetchState<T>;
  /** True when the data holds nothing worth drawing. */
  isEmpty?: (data: T) => boolean;
  empty?: ComponentChildren;
  children: (data: T) => ComponentChildren;
}

/** Loading, error and empty states, the same in every view. */
export function Loadable<T>({ state, isEmpty, empty, children }: Props<T>) {
  const { data, error, loading } = state;
  if (error) return html`<p class="notice error" role="alert">Could not load: ${error.message}</p>`;
  if (data === undefined) return html`<p class="notice loading" aria-busy="true">Loading…</p>`;
  const body = isEmpty?.(data)
    ? html`<p class="notice empty">${empty ?? "No data for this range and these filters."}</p>`
    : children(data);
  return html`<div class="loadable" aria-busy=${loading ? "true" : "false"}>${body}</div>`;
}
