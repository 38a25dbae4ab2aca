// A segment as posted (API.md "segments"): a name and a filter whose every field is checked, a bad
// one answered with a 400 naming it (`filter.did`). Pure.
import type { ApiError } from "@parcours/sdk/wire";
import { invalidField } from "../../errors";
import { isPlainObject } from "../../lib/guards";
import { SEGMENT_FILTER_FIELDS, type SegmentFilter } from "../api";

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ApiError };

const TEXT_FIELDS = ["firstTouchChannel", "anyTouchChannel", "stage", "country", "device", "did", "didNot"] as const;
const MAX_TEXT = 200;
const MAX_NAME = 100;

const refuse = (field: string, message: string): Parsed<never> => ({ ok: false, error: invalidField(field, message) });

export function parseSegmentFilter(value: unknown): Parsed<SegmentFilter> {
  if (!isPlainObject(value)) return refuse("filter", "filter must be an object of people filters");
  const unknown = Object.keys(value).find((k) => !(SEGMENT_FILTER_FIELDS as readonly string[]).includes(k));
  if (unknown !== undefined) return refuse(`filter.${unknown}`, `unknown filter field; use ${SEGMENT_FILTER_FIELDS.join(", ")}`);
  const filter: SegmentFilter = {};
  // Own keys only: what an object inherits is not something the sender named.
  const own = (field: string) => (Object.hasOwn(value, field) ? value[field] : undefined);
  for (const field of TEXT_FIELDS) {
    const v = own(field);
    if (v === undefined) continue;
    if (typeof v !== "string" || v.trim() === "" || v.length > MAX_TEXT) return refuse(`filter.${field}`, `${field} must be a name of 1 to ${MAX_TEXT} characters`);
    filter[field] = v;
  }
  if (own("highValue") !== undefined) {
    if (own("highValue") !== true) return refuse("filter.highValue", "highValue must be true (leave it out for everyone)");
    filter.highValue = true;
  }
  const identified = own("identified");
  if (identified !== undefined) {
    if (typeof identified !== "boolean") return refuse("filter.identified", "identified must be true (known by a userId) or false (anonymous)");
    filter.identified = identified;
  }
  if (Object.keys(filter).length === 0) return refuse("filter", "filter must name at least one field");
  return { ok: true, value: filter };
}

export function parseSegmentInput(body: unknown): Parsed<{ name: string; filter: SegmentFilter }> {
  if (!isPlainObject(body)) return refuse("body", "body must be a JSON object {name, filter}");
  const name = typeof body.name === "string" ? body.name.trim() : "";
  if (name === "" || name.length > MAX_NAME) return refuse("name", `name must be 1 to ${MAX_NAME} characters`);
  const filter = parseSegmentFilter(body.filter);
  return filter.ok ? { ok: true, value: { name, filter: filter.value } } : filter;
}
