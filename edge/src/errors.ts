import type { ApiError } from "@parcours/sdk/wire";

/** The one error shape of the API: `{"error": {code, message, field?}}`. */
export const apiError = (code: string, message: string, field?: string): ApiError =>
  field === undefined ? { code, message } : { code, message, field };

export const invalidField = (field: string, message: string): ApiError => apiError("invalid_field", message, field);
