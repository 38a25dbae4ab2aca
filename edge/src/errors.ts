import type { ApiError } from "@parcours/sdk/wire";

/** The one error shape of the API: `{"error": {code, message, field?}}`. */
export const apiError = (code: string, message: string, field?: string): ApiError =>
  field === undefined ? { code, message } : { code, message, field };

export const invalidField = (field: string, message: string): ApiError => apiError("invalid_field", message, field);

/** A write to a site's data while the site moves between databases (jobs/move-site.ts): try again after. */
export const siteMoving = (to: string): ApiError => apiError("site_moving", `the site's data is moving to ${to}: try again when the move is done`);
