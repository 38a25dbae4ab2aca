// The journey answers of a range from day digests (journey-digest.ts), so their cost follows the
// days in the range and the shapes of a day, not the journeys of the whole range.
//
// journey_days holds, per site, conversion and UTC day of a journey's end, a digest and two
// counters: triggers on the journeys table bump `seq` whenever a journey of that day is written or
// deleted (migration 0013), and `built_seq` names the seq a digest was built at. So a digest is
// valid exactly when the two agree, whichever code wrote the journeys (pipeline, rebuild, erasure,
// retention). A stale day is rebuilt here, from its journeys, the first time a question needs it;
// the days at the range's two ends, which the range only partly covers, are always read as
// journeys. Questions the digests cannot answer (a filter, a conversion or lookback the journeys
// table was not built for, people active after the range's end) digest their journeys directly.
import { DAY_MS, unfiltered } from "../journeys";
import { addDigest, digestOf, emptyDigest, packDigest, unpackDigest, type JourneyDigest } from "../journey-digest";
import { unpackJourney } from "../../core/journey-pack";
import { journeysTableServes, LATER, loadJourneys, type JourneyQuery } from "./journeys";

const JOURNEYS_IN = "SELECT person_id, end_ts, data FROM journeys WHERE site_id = ? AND conversion = ? AND end_ts BETWEEN ? AND ?";

async function journeysIn(db: D1Database, siteId: string, conversion: string, from: number, to: number): Promise<JourneyDigest> {
  if (from > to) return emptyDigest();
  const rows = await db.prepare(JOURNEYS_IN).bind(siteId, conversion, from, to).raw<[string, number, string]>();
  return digestOf(rows.map(([personId, endTs, data]) => unpackJourney(personId, endTs, data)));
}

/** Rebuilds the stale days among `days` from their journeys, and keeps what it built. */
async function rebuildDays(db: D1Database, siteId: string, conversion: string, days: number[]): Promise<JourneyDigest[]> {
  if (days.length === 0) return [];
  // One snapshot of the counters and the journeys: a write landing between two separate reads
  // would otherwise be missed by a digest labelled as built after it.
  const [seqs, ...rows] = await db.batch([
    db.prepare("SELECT day, seq FROM journey_days WHERE site_id = ? AND conversion = ? AND day IN (SELECT value FROM json_each(?))")
      .bind(siteId, conversion, JSON.stringify(days)),
    ...days.map((day) => db.prepare(JOURNEYS_IN).bind(siteId, conversion, day * DAY_MS, (day + 1) * DAY_MS - 1)),
  ]);
  const seqOf = new Map((seqs.results as { day: number; seq: number }[]).map((r) => [r.day, r.seq]));
  const built = days.map((day, i) => ({
    day,
    seq: seqOf.get(day)!,
    digest: digestOf((rows[i].results as { person_id: string; end_ts: number; data: string }[]).map((r) => unpackJourney(r.person_id, r.end_ts, r.data))),
  }));
  // Kept only if no write came since the snapshot (the seq is still the one it was built at).
  await db.batch(built.map((b) => db.prepare(
    "UPDATE journey_days SET data = ?1, built_seq = ?4 WHERE site_id = ?2 AND conversion = ?3 AND day = ?5 AND seq = ?4")
    .bind(packDigest(b.digest), siteId, conversion, b.seq, b.day)));
  return built.map((b) => b.digest);
}

/** The digest of the journeys ending in the range: what loadJourneys would return, digested. */
export async function loadJourneyDigest(db: D1Database, siteId: string, q: JourneyQuery): Promise<JourneyDigest> {
  const firstDay = Math.ceil(q.from / DAY_MS);
  const lastDay = Math.floor((q.to + 1) / DAY_MS) - 1;
  const direct = async () => digestOf(await loadJourneys(db, siteId, q));
  if (firstDay > lastDay || !unfiltered(q.filter)) return direct();
  const [serves, later] = await Promise.all([
    journeysTableServes(db, siteId, q),
    db.prepare(`SELECT 1 ${LATER} LIMIT 1`).bind(siteId, q.to, q.from).first(),
  ]);
  if (!serves || later !== null) return direct();
  const [days, head, tail] = await Promise.all([
    db.prepare("SELECT day, seq, built_seq, data FROM journey_days WHERE site_id = ? AND conversion = ? AND day BETWEEN ? AND ? ORDER BY day")
      .bind(siteId, q.conversion, firstDay, lastDay).all<{ day: number; seq: number; built_seq: number | null; data: string | null }>(),
    journeysIn(db, siteId, q.conversion, q.from, firstDay * DAY_MS - 1),
    journeysIn(db, siteId, q.conversion, (lastDay + 1) * DAY_MS, q.to),
  ]);
  const total = addDigest(head, tail);
  const stale = days.results.filter((d) => d.built_seq !== d.seq || d.data === null);
  for (const d of days.results) if (d.built_seq === d.seq && d.data !== null) addDigest(total, unpackDigest(d.data));
  for (const d of await rebuildDays(db, siteId, q.conversion, stale.map((d) => d.day))) addDigest(total, d);
  return total;
}
