// The journey domain lives in core/ (shared by pipeline/ and query/); re-exported for the read side.
export * from "../core/journeys";
