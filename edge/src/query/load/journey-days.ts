// The journey answers of a range from day digests (journey-digest.ts), so their cost follows the
// days in the range and the shapes of a day, not the journeys of the whole range.
//
// journey_days holds, per site, conversion and UTC day of a journey's end, a digest and two
// marks: triggers on the journeys table give `seq` a new random value whenever a journey of that
// day is written or deleted (migrations 0013, 0016), and `built_seq` names the seq a digest was
// built at. So a digest is valid exactly when the two agree, whichever code wrote the journeys (pipeline, rebuild, erasure,
// retention). A stale day is rebuilt here, from its journeys, the first time a question needs it;
// the days at the range's two ends, which the range only partly covers, are always read as
// journeys. Questions the digests cannot answer (a filter, a conversion or lookback the journeys
// table was not built for, people active after the range's end) digest their journeys directly.
import { DAY_MS, unfiltered } from "../journeys";
import { addDigest, digestOf, emptyDigest, packDigest, unpackDigest, type JourneyDigest } from "../journey-digest";
import { unpackJourney } from "../../core/journey-pack";
import { JOURNEYS_ENDING, journeysTableServes, LATER, loadJourneys, type JourneyQuery } from "./journeys";

type JourneyRow = [personId: string, endTs: number, data: string];

const digestRows = (rows: JourneyRow[]) => digestOf(rows.map(([personId, endTs, data]) => unpackJourney(personId, endTs, data)));

async function journeysIn(db: D1Database, siteId: string, conversion: string, from: number, to: number): Promise<JourneyDigest> {
  if (from > to) return emptyDigest();
  return digestRows(await db.prepare(JOURNEYS_ENDING).bind(siteId, conversion, from, to).raw<JourneyRow>());
}

/** Rebuilds the stale days among `days` from their journeys, and keeps what it built. */
async function rebuildDays(db: D1Database, siteId: string, conversion: string, days: number[]): Promise<{ day: number; seq: number; digest: JourneyDigest }[]> {
  if (days.length === 0) return [];
  // One snapshot of the counters and the journeys: a write landing between two separate reads
  // would otherwise be missed by a digest labelled as built after it.
  const [seqs, ...rows] = await db.batch([
    db.prepare("SELECT day, seq FROM journey_days WHERE site_id = ? AND conversion = ? AND day IN (SELECT value FROM json_each(?))")
      .bind(siteId, conversion, JSON.stringify(days)),
    ...days.map((day) => db.prepare(JOURNEYS_ENDING).bind(siteId, conversion, day * DAY_MS, (day + 1) * DAY_MS - 1)),
  ]);
  const seqOf = new Map((seqs.results as { day: number; seq: number }[]).map((r) => [r.day, r.seq]));
  const built = days.map((day, i) => ({
    day,
    seq: seqOf.get(day)!,
    digest: digestRows((rows[i].results as { person_id: string; end_ts: number; data: string }[]).map((r) => [r.person_id, r.end_ts, r.data])),
  }));
  // Kept only if no write came since the snapshot (the seq is still the one it was built at).
  await db.batch(built.map((b) => db.prepare(
    "UPDATE journey_days SET data = ?1, built_seq = ?4 WHERE site_id = ?2 AND conversion = ?3 AND day = ?5 AND seq = ?4")
    .bind(packDigest(b.digest), siteId, conversion, b.seq, b.day)));
  return built;
}

// Parsed day digests this isolate holds, per site and conversion: a day's digest is fixed for a
// given seq, so a busy site's next cold answer reads only the seqs, the partial days and whatever
// day changed. Bounded: past the bound, everything kept is dropped and parsed again as needed.
const KEPT_MAX = 5_000;
const keptDigests = new Map<string, Map<number, { seq: number; digest: JourneyDigest }>>();
let keptCount = 0;

function keptFor(siteId: string, conversion: string): Map<number, { seq: number; digest: JourneyDigest }> {
  const key = JSON.stringify([siteId, conversion]);
  return keptDigests.get(key) ?? keptDigests.set(key, new Map()).get(key)!;
}

function keep(kept: Map<number, { seq: number; digest: JourneyDigest }>, day: number, seq: number, digest: JourneyDigest): JourneyDigest {
  if (!kept.has(day) && ++keptCount > KEPT_MAX) {
    keptDigests.clear();
    keptCount = 1;
    kept.clear();
  }
  kept.set(day, { seq, digest });
  return digest;
}

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
  const kept = keptFor(siteId, q.conversion);
  const [days, head, tail] = await Promise.all([
    // A digest this isolate already holds at the day's seq is not sent again.
    db.prepare(`SELECT day, seq, built_seq,
        CASE WHEN built_seq = seq AND (day || ':' || seq) NOT IN (SELECT value FROM json_each(?5)) THEN data END AS data
        FROM journey_days WHERE site_id = ?1 AND conversion = ?2 AND day BETWEEN ?3 AND ?4 ORDER BY day`)
      .bind(siteId, q.conversion, firstDay, lastDay, JSON.stringify([...kept].map(([day, k]) => `${day}:${k.seq}`)))
      .all<{ day: number; seq: number; built_seq: number | null; data: string | null }>(),
    journeysIn(db, siteId, q.conversion, q.from, firstDay * DAY_MS - 1),
    journeysIn(db, siteId, q.conversion, (lastDay + 1) * DAY_MS, q.to),
  ]);
  const total = addDigest(head, tail);
  const stale: number[] = [];
  for (const d of days.results) {
    const held = kept.get(d.day);
    if (d.built_seq !== d.seq) stale.push(d.day);
    else if (d.data !== null) addDigest(total, keep(kept, d.day, d.seq, unpackDigest(d.data)));
    else if (held?.seq === d.seq) addDigest(total, held.digest);
    else stale.push(d.day); // dropped from the isolate's memory between the two reads
  }
  const rebuilt = await rebuildDays(db, siteId, q.conversion, stale);
  for (const { day, seq, digest } of rebuilt) addDigest(total, keep(kept, day, seq, digest));
  return total;
}
