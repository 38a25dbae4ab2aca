// A segment's people for one range: their states (person_state, shared with the split loaders)
// and, when asked, who is identified (identities). Never the raw events.
import type { Site } from "../../env";
import type { PeopleSet } from "../../core/journeys";
import type { SegmentFilter } from "../api";
import type { Range } from "../params";
import { statesInRange } from "../load/state";
import { personOfKeys } from "../load/sql";
import { matchingPeople } from "./match";

async function identifiedPeople(db: D1Database, siteId: string): Promise<Set<string>> {
  const rows = await db.prepare("SELECT DISTINCT person_id FROM identities WHERE site_id = ? AND ident_key LIKE 'u:%'").bind(siteId).raw<[string]>();
  return new Set(rows.map(([p]) => p));
}

/** The people of the range the filter holds, by person id and by identity key. */
export async function segmentPeople(db: D1Database, site: Site, filter: SegmentFilter, range: Range, version?: string): Promise<PeopleSet> {
  const [states, identified, personOf] = await Promise.all([
    statesInRange(db, site.id, range, version),
    filter.identified === undefined ? null : identifiedPeople(db, site.id),
    personOfKeys(db, site.id, version),
  ]);
  const ids = matchingPeople(states, filter, range, { conversions: site.settings.conversions, identified });
  const keys: string[] = [];
  for (const [key, personId] of personOf) if (ids.has(personId)) keys.push(key);
  return { ids, keys };
}
