import { html } from "htm/preact";
import { DEFAULT_RANGE, RANGE_PRESETS, isoDate } from "../state/range";
import { FILTER_KEYS, patchParams, type Route } from "../state/route";
import { navigate } from "../state/use-route";
import { SegmentPicker, type SegmentsProps } from "./segment-picker";

const COMPARE_CHOICES: [string, string][] = [["", "Off"], ["previous", "Previous period"], ["year", "Previous year"]];

const RANGE_LABELS: Record<string, string> = {
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  "90d": "Last 90 days",
  "365d": "Last 12 months",
  custom: "Custom dates",
};

const inputValue = (event: Event) => (event.target as HTMLInputElement).value.trim();

/**
 * Date range, comparison, segment and the five filters; every change is written to the URL, never
 * held elsewhere. `segments` is null where none can be saved (a shared link).
 */
export function FilterBar({ route, channels, segments }: { route: Route; channels: string[]; segments: SegmentsProps | null }) {
  const { params } = route;
  const set = (patch: Record<string, string | undefined>) =>
    navigate({ view: route.view, params: patchParams(params, patch) });
  const range = params.range ?? DEFAULT_RANGE;
  const active = FILTER_KEYS.filter((key) => params[key]).length;

  function pickRange(event: Event) {
    const value = inputValue(event);
    if (value !== "custom") return set({ range: value === DEFAULT_RANGE ? undefined : value, from: undefined, to: undefined });
    const now = Date.now();
    set({ range: "custom", from: params.from ?? isoDate(now - 29 * 86_400_000), to: params.to ?? isoDate(now) });
  }

  return html`<div class="filter-bar" role="search" aria-label="Date range and filters">
    <label class="field">
      <span>Range</span>
      <select value=${range} onChange=${pickRange}>
        ${[...RANGE_PRESETS, "custom"].map((r) => html`<option value=${r}>${RANGE_LABELS[r]}</option>`)}
      </select>
    </label>
    ${range === "custom" &&
    html`<label class="field"><span>From</span>
        <input type="date" value=${params.from} max=${params.to} onChange=${(e: Event) => set({ from: inputValue(e) })} /></label>
      <label class="field"><span>To</span>
        <input type="date" value=${params.to} min=${params.from} onChange=${(e: Event) => set({ to: inputValue(e) })} /></label>`}
    <label class="field">
      <span>Compare</span>
      <select name="compare" value=${params.compare ?? ""} onChange=${(e: Event) => set({ compare: inputValue(e) || undefined })}>
        ${COMPARE_CHOICES.map(([value, label]) => html`<option value=${value}>${label}</option>`)}
      </select>
    </label>
    ${segments && html`<${SegmentPicker} segments=${segments} params=${params} onPick=${(id: string | undefined) => set({ segment: id })} />`}
    <details class="filters" open=${active > 0}>
      <summary>Filters${active ? ` (${active})` : ""}</summary>
      <div class="filter-fields">
        ${FILTER_KEYS.map(
          (key) => html`<label class="field">
            <span>${key[0].toUpperCase() + key.slice(1)}</span>
            <input name=${key} value=${params[key] ?? ""} list=${key === "channel" ? "channel-options" : undefined}
              placeholder="any" onChange=${(e: Event) => set({ [key]: inputValue(e) })} />
          </label>`,
        )}
        ${active > 0 &&
        html`<button type="button" class="link" onClick=${() => set(Object.fromEntries(FILTER_KEYS.map((k) => [k, undefined])))}>
          Clear filters
        </button>`}
      </div>
      <datalist id="channel-options">${channels.map((c) => html`<option value=${c} />`)}</datalist>
    </details>
  </div>`;
}
