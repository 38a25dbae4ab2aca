// Validation of a new shared link's body (POST /api/admin/sites/:site/shares). Pure: the clock is an argument.
import type { ApiError } from "@parcours/sdk/wire";
import { DEFAULT_SHARE_VIEWS, SHARE_VIEWS, type ShareView } from "../query/api";
import { invalidField } from "../errors";
import { isPlainObject } from "../lib/guards";

export interface ShareInput {
  views: ShareView[];
  expiresAt: number | null;
}

const isView = (v: unknown): v is ShareView => (SHARE_VIEWS as readonly unknown[]).includes(v);

export function parseShareInput(body: unknown, now: number): { ok: true; value: ShareInput } | { ok: false; error: ApiError } {
  // No body at all is a link to the default views that never expires.
  const b = body ?? {};
  if (!isPlainObject(b)) return { ok: false, error: invalidField("body", "body must be a JSON object") };
  let views = [...DEFAULT_SHARE_VIEWS];
  if (b.views !== undefined) {
    if (!Array.isArray(b.views) || b.views.length === 0) return { ok: false, error: invalidField("views", "views must be a non-empty array of view names") };
    const unknown = b.views.findIndex((v) => !isView(v));
    if (unknown >= 0) {
      return { ok: false, error: invalidField(`views[${unknown}]`, `${JSON.stringify(b.views[unknown])} is not a view a link can open (one of ${SHARE_VIEWS.join(", ")})`) };
    }
    views = [...new Set(b.views as ShareView[])];
  }
  let expiresAt: number | null = null;
  if (b.expiresAt !== undefined && b.expiresAt !== null) {
    if (typeof b.expiresAt !== "number" || !Number.isInteger(b.expiresAt)) return { ok: false, error: invalidField("expiresAt", "expiresAt must be a time in epoch milliseconds") };
    if (b.expiresAt <= now) return { ok: false, error: invalidField("expiresAt", "expiresAt must be in the future") };
    expiresAt = b.expiresAt;
  }
  return { ok: true, value: { views, expiresAt } };
}
