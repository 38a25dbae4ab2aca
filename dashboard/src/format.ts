// Formatting for numbers the API returns. Every helper takes `unknown`-ish input defensively:
// a missing field renders as an em dash instead of "NaN" or "undefined".

const DASH = "—";
const intFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const decimalFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
const compactFormat = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

const isNum = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

export function formatInt(value: unknown): string {
  return isNum(value) ? intFormat.format(value) : DASH;
}

export function formatDecimal(value: unknown): string {
  return isNum(value) ? decimalFormat.format(value) : DASH;
}

export function formatCompact(value: unknown): string {
  return isNum(value) ? compactFormat.format(value) : DASH;
}

/** A 0..1 share as a percentage; small shares keep a decimal so 0.4% does not read as 0%. */
export function formatPercent(share: unknown): string {
  if (!isNum(share)) return DASH;
  const pct = share * 100;
  return `${Math.abs(pct) < 10 && pct !== 0 ? pct.toFixed(1) : Math.round(pct)}%`;
}

const DURATION_UNITS: [string, number][] = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1000],
];

/** A duration in its two largest units: "2d 4h", "35m", "12s". */
export function formatDuration(ms: unknown): string {
  if (!isNum(ms) || ms < 0) return DASH;
  const index = DURATION_UNITS.findIndex(([, size]) => ms >= size);
  if (index < 0) return `${Math.round(ms)}ms`;
  const [label, size] = DURATION_UNITS[index];
  const major = Math.floor(ms / size);
  const next = DURATION_UNITS[index + 1];
  const minor = next ? Math.floor((ms - major * size) / next[1]) : 0;
  return minor > 0 ? `${major}${label} ${minor}${next[0]}` : `${major}${label}`;
}

/** Lift as a multiplier ("×2.4"); 1 means no more likely than the base. */
export function formatLift(lift: unknown): string {
  return isNum(lift) ? `×${lift.toFixed(lift >= 10 ? 0 : 1)}` : DASH;
}

/** Accepts an ISO string or epoch milliseconds, as the API may send either. */
export function toMs(time: unknown): number | null {
  if (isNum(time)) return time;
  if (typeof time === "string" && time) {
    const ms = Date.parse(time);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

/** "2026-11-03 14:05" in UTC, so two people reading a shared link see the same times. */
export function formatDateTime(time: unknown): string {
  const ms = toMs(time);
  return ms === null ? DASH : new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}

/** What an event is called: its name, or for a page/screen view the type and path. */
export function eventLabel(event: { type: string; event: string | null; page?: { path: string | null } }): string {
  if (event.event) return event.event;
  const path = event.page?.path;
  return path ? `${event.type} ${path}` : event.type || DASH;
}

/** A vital's p75 in its unit: CLS unitless, the others in ms (seconds from one second on). */
export function formatVital(metric: string, p75: number): string {
  if (metric === "CLS") return p75.toFixed(2);
  return p75 >= 1000 ? `${(p75 / 1000).toFixed(2)} s` : `${Math.round(p75)} ms`;
}

/** Seconds-precision clock time for the live event feed. */
export function formatClock(time: unknown): string {
  const ms = toMs(time);
  return ms === null ? DASH : new Date(ms).toISOString().slice(11, 19);
}

/**
 * The change from a previous number to this one, as "+12%" / "-5%" / "0%"; "new" when there was
 * nothing before (no Infinity or NaN), a dash when either side is missing.
 */
export function formatChange(current: unknown, previous: unknown): { text: string; direction: "up" | "down" | "flat" } {
  if (!isNum(current) || !isNum(previous)) return { text: DASH, direction: "flat" };
  if (previous === 0) return current === 0 ? { text: "0%", direction: "flat" } : { text: "new", direction: current > 0 ? "up" : "down" };
  const pct = ((current - previous) / Math.abs(previous)) * 100;
  const rounded = Math.abs(pct) < 10 ? Math.round(pct * 10) / 10 : Math.round(pct);
  if (rounded === 0) return { text: "0%", direction: "flat" };
  return { text: `${rounded > 0 ? "+" : "-"}${Math.abs(rounded)}%`, direction: rounded > 0 ? "up" : "down" };
}
