// The read API's shapes: the edge's contract (edge/src/query/api.ts), written once and imported
// here, plus what only the client adds. Views import their types from this module.
export type * from "@parcours/edge/api";

/** Range, filters and view parameters of one request; empty values are left out. */
export type Query = Record<string, string | number | undefined>;
