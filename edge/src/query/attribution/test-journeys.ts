// Journeys from the published "path: conversions / non-conversions" tables the test vectors use.
import type { AttributionJourney } from "./types";

export function fromPathTable(table: [path: string, conversions: number, nulls: number][]): AttributionJourney[] {
  return table.flatMap(([path, conversions, nulls]) => {
    const steps = path.split(">").map((key, i) => ({ key, channel: key, ts: i }));
    const journey = (converted: boolean) => ({ steps, endTs: steps.length, converted, value: converted ? 1 : 0 });
    return [...Array.from({ length: conversions }, () => journey(true)), ...Array.from({ length: nulls }, () => journey(false))];
  });
}
