// What a shared link may read: the read endpoints its views call, GET only. Pure, so the table is
// tested alone; auth/middleware.ts applies it to every request a link makes.
import type { ShareView } from "../query/api";

/** Endpoints under /api/sites/:site/ each view reads (`*` is one path segment). */
const VIEW_ENDPOINTS: Record<ShareView, string[]> = {
  overview: ["overview", "timeseries"],
  journeys: ["journeys/stats"],
  funnel: ["funnel"],
  paths: ["paths"],
  attribution: ["attribution"],
  channels: ["transitions"],
  // Both list people and link each to the person's timeline.
  stalled: ["stalled", "people/*/timeline"],
  value: ["roi", "feedback", "segments/value", "at-risk", "people/*/timeline"],
  retention: ["retention", "churn"],
  vitals: ["vitals"],
  live: ["events"],
};

/** Read by the parts every view shares: the filter bar's channels and segments, the event pickers. */
const EVERY_VIEW = ["channels", "event-names", "segments"];

const matches = (pattern: string, path: string) => {
  const want = pattern.split("/");
  const got = path.split("/");
  return want.length === got.length && want.every((w, i) => (w === "*" ? got[i] !== "" : w === got[i]));
};

/** Whether a link opening `views` may make this request; `path` is the part after /api/sites/:site/. */
export function shareAllows(views: readonly ShareView[], method: string, path: string): boolean {
  if (method !== "GET") return false;
  const clean = path.replace(/\/+$/, "");
  return [...EVERY_VIEW, ...views.flatMap((v) => VIEW_ENDPOINTS[v] ?? [])].some((p) => matches(p, clean));
}
