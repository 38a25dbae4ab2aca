// A segment's people for one range: their states (person_state, shared with the split loaders)
// and, when asked, who is identified (identities). Never the raw events.
import type { Site } from "../../env";
import type { PeopleSet } from "../../core/journeys";
import type { SegmentFilter } from "../api";
import type { Range } from "../params";
import { statesInRange } from "../load/state";
import { personOfKeys } from "../load/sql";
import { matchingPeople } from "./match";

/** The people of the range the filter holds, by person id and by identity key. */
export async function segmentPeople(db: D1Database, site: Site, filter: SegmentFilter, range: Range, version?: string): Promise<PeopleSet> {
  const [states, personOf] = await Promise.all([statesInRange(db, site.id, range, version), personOfKeys(db, site.id, version)]);
  // Identified: a person with a userId among their identities (the keys `u:...`).
  const identified = filter.identified === undefined ? null : new Set([...personOf].filter(([key]) => key.startsWith("u:")).map(([, personId]) => personId));
  const ids = matchingPeople(states, filter, range, { conversions: site.settings.conversions, identified });
  const keys: string[] = [];
  for (const [key, personId] of personOf) if (ids.has(personId)) keys.push(key);
  return { ids, keys };
}
