import { html } from "htm/preact";
import { useState } from "preact/hooks";
import type { SiteClient } from "../api/client";
import type { Segment, SegmentFilter } from "../api/types";
import type { Params } from "../state/route";

export interface SegmentsProps {
  list: Segment[];
  api: SiteClient;
  /** The list changed (saved or deleted): fetch it again. */
  changed: () => void;
}

/** The text fields of a segment filter, labelled as the form shows them. */
const TEXT_FIELDS: [keyof SegmentFilter, string][] = [
  ["firstTouchChannel", "First touch channel"],
  ["anyTouchChannel", "Any touch channel"],
  ["stage", "Stage reached"],
  ["country", "Country"],
  ["device", "Device"],
  ["did", "Did event"],
  ["didNot", "Did not do event"],
];

/** The filter bar's filters as a people filter: the channel touched, the country and device. */
export function filterFromParams(params: Params): SegmentFilter {
  const filter: SegmentFilter = {};
  if (params.channel) filter.anyTouchChannel = params.channel;
  if (params.country) filter.country = params.country;
  if (params.device) filter.device = params.device;
  return filter;
}

/** One line per field set, for the list and the select: "did purchase · country FR". */
export const describeFilter = (filter: SegmentFilter): string =>
  Object.entries(filter).map(([k, v]) => (v === true ? k : `${k} ${v}`)).join(" · ");

interface Props {
  segments: SegmentsProps;
  params: Params;
  /** Picks a segment (its id) or none (undefined). */
  onPick: (id: string | undefined) => void;
}

/** Picks a saved segment, and saves the current filters (and more) as a named one. */
export function SegmentPicker({ segments, params, onPick }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const initial = filterFromParams(params);

  async function save(event: Event) {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    // The form's names are prefixed: the filter bar has inputs named country and device too.
    const text = (name: string) => String(form.get(`seg-${name}`) ?? "").trim();
    const filter: SegmentFilter = {};
    for (const [key] of TEXT_FIELDS) if (text(key)) (filter as Record<string, string>)[key] = text(key);
    if (form.get("seg-highValue")) filter.highValue = true;
    if (text("identified")) filter.identified = text("identified") === "true";
    setBusy(true);
    setError(null);
    try {
      const saved = await segments.api.createSegment(text("name"), filter);
      segments.changed();
      onPick(saved.id);
      (event.target as HTMLFormElement).closest("details")?.removeAttribute("open");
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return html`<label class="field">
      <span>Segment</span>
      <select name="segment" value=${params.segment ?? ""} onChange=${(e: Event) => onPick((e.target as HTMLSelectElement).value || undefined)}>
        <option value="">Everyone</option>
        ${segments.list.map((s) => html`<option value=${s.id} title=${describeFilter(s.filter)}>${s.name}</option>`)}
      </select>
    </label>
    <details class="save-segment">
      <summary>Save segment</summary>
      <form class="segment-form" onSubmit=${save}>
        <label class="field"><span>Name</span><input name="seg-name" required maxlength="100" /></label>
        ${TEXT_FIELDS.map(([key, label]) => html`<label class="field"><span>${label}</span>
          <input name=${`seg-${key}`} value=${(initial as Record<string, string | undefined>)[key] ?? ""} placeholder="any" maxlength="200" /></label>`)}
        <label class="field"><span>Identified</span>
          <select name="seg-identified"><option value="">Anyone</option><option value="true">Known (userId)</option><option value="false">Anonymous</option></select></label>
        <label class="check"><input type="checkbox" name="seg-highValue" value="1" /> Top 10% by revenue</label>
        <button type="submit" disabled=${busy}>Save</button>
        ${error && html`<p class="notice error" role="alert">${error}</p>`}
      </form>
    </details>`;
}
