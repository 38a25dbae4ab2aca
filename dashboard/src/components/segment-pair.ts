import { html } from "htm/preact";
import type { Segment } from "../api/types";
import type { Params } from "../state/route";
import { ChoiceSelect } from "./choice-select";

/** Everyone (no segment) as one side of a pair. */
export const EVERYONE = "all";

export interface Side {
  key: "side_a" | "side_b";
  /** The segment id, or undefined for everyone. */
  segment: string | undefined;
  name: string;
}

/** The two sides chosen in the view's parameters, or null while either is off. */
export function sidesOf(params: Params, segments: Segment[]): [Side, Side] | null {
  const side = (key: Side["key"]): Side | null => {
    const value = params[key];
    if (!value) return null;
    if (value === EVERYONE) return { key, segment: undefined, name: "Everyone" };
    const found = segments.find((s) => s.id === value);
    return found ? { key, segment: found.id, name: found.name } : null;
  };
  const a = side("side_a");
  const b = side("side_b");
  return a && b ? [a, b] : null;
}

/** Two segment picks that put a view's answer side by side. */
export function SegmentPair({ params, segments, onChange }: { params: Params; segments: Segment[]; onChange: (patch: Params) => void }) {
  const options: [string, string][] = [["", "—"], [EVERYONE, "Everyone"], ...segments.map((s): [string, string] => [s.id, s.name])];
  return html`<${ChoiceSelect} label="Side by side: A" value=${params.side_a ?? ""} options=${options} onChange=${(v: string) => onChange({ side_a: v })} />
    <${ChoiceSelect} label="B" value=${params.side_b ?? ""} options=${options} onChange=${(v: string) => onChange({ side_b: v })} />`;
}
