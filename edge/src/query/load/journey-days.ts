// The journey answers of a range from day digests (journey-digest.ts, load/day-digests.ts), so
// their cost follows the days in the range and the shapes of a day, not the journeys of the whole
// range. journey_days holds, per site, conversion and UTC day of a journey's end, a digest kept
// valid by triggers on the journeys table (migrations 0013, 0016), whichever code wrote the
// journeys (pipeline, rebuild, erasure, retention). A stale day is rebuilt from its journeys; the
// days at the range's two ends, which the range only partly covers, are always read as journeys.
// Questions the digests cannot answer (a filter, a conversion or lookback the journeys table was
// not built for, people active after the range's end) digest their journeys directly.
import { DAY_MS, unfiltered } from "../journeys";
import { addDigest, digestOf, emptyDigest, packDigest, unpackDigest, type JourneyDigest } from "../journey-digest";
import { unpackJourney } from "../../core/journey-pack";
import { JOURNEYS_ENDING, journeysTableServes, LATER, loadJourneys, type JourneyQuery } from "./journeys";
import { dayDigests, type DayTable } from "./day-digests";

type JourneyRow = [personId: string, endTs: number, data: string];

const digestRows = (rows: JourneyRow[]) => digestOf(rows.map(([personId, endTs, data]) => unpackJourney(personId, endTs, data)));

async function journeysIn(db: D1Database, siteId: string, conversion: string, from: number, to: number): Promise<JourneyDigest> {
  if (from > to) return emptyDigest();
  return digestRows(await db.prepare(JOURNEYS_ENDING).bind(siteId, conversion, from, to).raw<JourneyRow>());
}

const journeyTable = (db: D1Database, siteId: string, conversion: string): DayTable<JourneyDigest> => ({
  table: "journey_days",
  key: ["conversion", conversion],
  pack: packDigest,
  unpack: unpackDigest,
  build: async (days) => (await db.batch(days.map((day) => db.prepare(JOURNEYS_ENDING).bind(siteId, conversion, day * DAY_MS, (day + 1) * DAY_MS - 1))))
    .map((rows) => digestRows((rows.results as { person_id: string; end_ts: number; data: string }[]).map((r) => [r.person_id, r.end_ts, r.data]))),
});

/** The digest of the journeys ending in the range: what loadJourneys would return, digested. */
export async function loadJourneyDigest(db: D1Database, siteId: string, q: JourneyQuery): Promise<JourneyDigest> {
  const firstDay = Math.ceil(q.from / DAY_MS);
  const lastDay = Math.floor((q.to + 1) / DAY_MS) - 1;
  const direct = async (served?: boolean) => digestOf(await loadJourneys(db, siteId, q, served));
  if (firstDay > lastDay || !unfiltered(q.filter)) return direct();
  const [serves, later] = await Promise.all([
    journeysTableServes(db, siteId, q),
    db.prepare(`SELECT 1 ${LATER} LIMIT 1`).bind(siteId, q.to, q.from).first(),
  ]);
  if (!serves || later !== null) return direct(serves);
  const [days, head, tail] = await Promise.all([
    dayDigests(db, siteId, journeyTable(db, siteId, q.conversion), firstDay, lastDay),
    journeysIn(db, siteId, q.conversion, q.from, firstDay * DAY_MS - 1),
    journeysIn(db, siteId, q.conversion, (lastDay + 1) * DAY_MS, q.to),
  ]);
  const total = addDigest(head, tail);
  for (const { digest } of days) addDigest(total, digest);
  return total;
}
