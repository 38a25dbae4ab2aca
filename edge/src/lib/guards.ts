// Run-time checks of untrusted JSON (request bodies, stored properties), shared by ingest, the
// admin API and the read side so none of them imports another for a one-liner.

/** An object that is not an array or null: the only shape whose fields can be read as a record. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The value when it is a non-empty string, else null: senders put anything anywhere. */
export const nonEmptyText = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
