// Digests kept per site and UTC day (journey_days, activity_days), so an answer over a range sums
// its days rather than reading the rows of the range.
//
// Each row holds a digest and two marks: triggers give `seq` a new random value whenever a row the
// day's digest depends on is written or deleted, whoever writes it (pipeline, rebuild, erasure,
// retention, a move), and `built_seq` names the seq the digest was built at. So a digest is valid
// exactly when the two agree. A stale day is rebuilt here, the first time a question needs it; a
// day without a row has nothing in it. This isolate also keeps parsed digests by (day, seq), so a
// busy site's next cold answer reads only the seqs and whatever day changed.
export interface DayTable<D> {
  /** journey_days or activity_days. */
  table: string;
  /** A key column beside site_id and day, and its value (journey_days: the conversion). */
  key?: [column: string, value: string];
  pack(digest: D): string;
  /** null for a text of another version: the day is built again. */
  unpack(text: string): D | null;
  /** The digests of these whole UTC days, built from the tables as they are now. */
  build(days: number[]): Promise<D[]>;
}

// Bounded: past the bound, everything kept is dropped and parsed again as needed.
const KEPT_MAX = 5_000;
const keptDigests = new Map<string, Map<number, { seq: number; digest: unknown }>>();
let keptCount = 0;

function keep<D>(kept: Map<number, { seq: number; digest: unknown }>, day: number, seq: number, digest: D): D {
  if (!kept.has(day) && ++keptCount > KEPT_MAX) {
    keptDigests.clear();
    keptCount = 1;
    kept.clear();
  }
  kept.set(day, { seq, digest });
  return digest;
}

/** Rebuilds these stale days and keeps what it built, where no write came meanwhile. */
async function rebuild<D>(db: D1Database, siteId: string, t: DayTable<D>, days: number[]): Promise<{ day: number; seq: number; digest: D }[]> {
  if (days.length === 0) return [];
  const [col, value] = t.key ?? ["1", 1];
  // The seqs are read before the rows the digests are built from: a write landing in between
  // moves the seq, so the conditional update below keeps nothing built before it.
  const seqs = await db.prepare(`SELECT day, seq FROM ${t.table} WHERE site_id = ?1 AND ${col} = ?2 AND day IN (SELECT value FROM json_each(?3))`)
    .bind(siteId, value, JSON.stringify(days)).all<{ day: number; seq: number }>();
  const seqOf = new Map(seqs.results.map((r) => [r.day, r.seq]));
  const digests = await t.build(days);
  const built = days.map((day, i) => ({ day, seq: seqOf.get(day)!, digest: digests[i] }));
  await db.batch(built.map((b) => db.prepare(
    `UPDATE ${t.table} SET data = ?1, built_seq = ?2 WHERE site_id = ?3 AND ${col} = ?4 AND day = ?5 AND seq = ?2`)
    .bind(t.pack(b.digest), b.seq, siteId, value, b.day)));
  return built;
}

/** The digests of the days firstDay..lastDay that have a row, in day order. */
export async function dayDigests<D>(db: D1Database, siteId: string, t: DayTable<D>, firstDay: number, lastDay: number): Promise<{ day: number; digest: D }[]> {
  if (firstDay > lastDay) return [];
  const [col, value] = t.key ?? ["1", 1];
  const id = JSON.stringify([t.table, siteId, value]);
  const kept = keptDigests.get(id) ?? keptDigests.set(id, new Map()).get(id)!;
  // A digest this isolate already holds at the day's seq is not sent again.
  const rows = await db.prepare(`SELECT day, seq, built_seq,
      CASE WHEN built_seq = seq AND (day || ':' || seq) NOT IN (SELECT value FROM json_each(?5)) THEN data END AS data
      FROM ${t.table} WHERE site_id = ?1 AND ${col} = ?2 AND day BETWEEN ?3 AND ?4 ORDER BY day`)
    .bind(siteId, value, firstDay, lastDay, JSON.stringify([...kept].map(([day, k]) => `${day}:${k.seq}`)))
    .all<{ day: number; seq: number; built_seq: number | null; data: string | null }>();
  const out = new Map<number, D>();
  const stale: number[] = [];
  for (const r of rows.results) {
    const held = kept.get(r.day);
    const digest = r.built_seq === r.seq && r.data !== null ? t.unpack(r.data) : null;
    if (r.built_seq !== r.seq) stale.push(r.day);
    else if (digest !== null) out.set(r.day, keep(kept, r.day, r.seq, digest));
    else if (r.data !== null) stale.push(r.day); // written in another version of its text
    else if (held?.seq === r.seq) out.set(r.day, held.digest as D);
    else stale.push(r.day); // dropped from the isolate's memory between the two reads
  }
  for (const { day, seq, digest } of await rebuild(db, siteId, t, stale)) out.set(day, keep(kept, day, seq, digest));
  return [...out].sort((a, b) => a[0] - b[0]).map(([day, digest]) => ({ day, digest }));
}
