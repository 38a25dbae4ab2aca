// The read API: thin handlers that parse parameters, load rows and hand them to the pure analyses.
// Everything reads the tables as they are, so an event stored a moment ago is in the next answer.
import type { Site } from "../env";
import { apiError } from "../errors";
import { askedQuestion, journeyQuery, queryOf, readRoutes, segmentParam, type C, type Query } from "./handler";
import { answerCache, versionOf } from "./answer-cache";
import type {
  AttributionBody, ChannelsBody, ChurnBody, EventNamesBody, EventsBody, FunnelBody, JourneyStatsBody, OverviewBody, PathsBody,
  RetentionBody, StalledBody, TimelineBody, TimeseriesBody, TransitionsBody, VitalsBody,
} from "./api";
import { GROUP_BYS } from "./attribution/attribute";
import { bucketLabel, bucketsBetween, INTERVALS } from "./buckets";
import { toCsv } from "./csv";
import { FUNNEL_ORDERS, funnelByChannel, funnelSteps, parseSteps, reach, stepEvents, type Reach } from "./funnel";
import { channelCount, summaryOf, touchpointHistogram } from "./journey-stats";
import { attributionOf, pathJourneys } from "./journey-digest";
import { DAY_MS, personMatches, touchMatches } from "./journeys";
import {
  namedEvents, peopleByStage, vitalSamples, engagementByPage,
} from "./load/aggregates";
import { identKeysOf, recentEvents, resolvePerson, timeline } from "./load/events";
import { channelCounts, eventNames, eventSeries, rangeCounts, sessionSeries } from "./load/counts";
import { loadJourneyDigest } from "./load/journey-days";
import { horizonOf } from "./load/horizon";
import { namedEventsOfRange, touchesOfPeople } from "./load/state";
import {
  asTime, ParamError, parseChoice, parseCommon, parseConversion, parseDuration, parseInteger, parseList, parseName,
} from "./params";
import { journeysAfter, topPaths, transitions } from "./paths";
import { stalledRows } from "./stalled-rows";
import { isVitalName, vitalsByPage, withEngagement } from "./vitals";
import { churnAnswer } from "./load/churn";
import { retentionCohorts } from "./load/retention";
import { siteDb } from "../sites/site-db";

export const queryRoutes = readRoutes();

// Mounted at /api/sites/:site, these run before every read answer there (marketing's too): an
// unknown segment is refused before a kept answer could be served, and a comparison or a segment
// is resolved after it, so the answer kept is the whole one.
queryRoutes.use("*", segmentParam());
queryRoutes.use("*", answerCache());
queryRoutes.use("*", askedQuestion());

queryRoutes.get("/events", async (c) => {
  const q = queryOf(c);
  const { from, to, filter } = parseCommon(q, Date.now());
  const limit = parseInteger(q, "limit", 50, 1, 500);
  return c.json({ events: await recentEvents(siteDb(c.env, c.get("site")), c.get("site").id, { from, to }, filter, limit) } satisfies EventsBody);
});

queryRoutes.get("/overview", async (c) => {
  const q = queryOf(c);
  const common = parseCommon(q, Date.now());
  const db = siteDb(c.env, c.get("site"));
  const siteId = c.get("site").id;
  const version = versionOf(c.req.raw);
  const [counts, journeys] = await Promise.all([
    rangeCounts(db, siteId, common, common.filter, version),
    loadJourneyDigest(db, siteId, journeyQuery(c, q, common)),
  ]);
  return c.json({ people: counts.people, sessions: counts.sessions, events: counts.events, touchpoints: counts.touchpoints,
    ...summaryOf(pathJourneys(journeys), journeys.timesToConvert) } satisfies OverviewBody);
});

queryRoutes.get("/people/:personId/timeline", async (c) => {
  const q = queryOf(c);
  const { from, to, filter } = parseCommon(q, Date.now());
  const limit = parseInteger(q, "limit", 1000, 1, 10_000);
  const siteId = c.get("site").id;
  const personId = await resolvePerson(siteDb(c.env, c.get("site")), siteId, c.req.param("personId"));
  // A segment narrows the people shown: someone outside it has no timeline under it.
  if (personId === null || !personMatches(personId, filter)) return c.json({ error: apiError("not_found", "no person with this person id, userId or anonymousId", "personId") }, 404);
  const [ids, events, horizon] = await Promise.all([
    identKeysOf(siteDb(c.env, c.get("site")), siteId, personId),
    // The person is in the segment (checked above): all of their events are.
    timeline(siteDb(c.env, c.get("site")), siteId, personId, { from, to }, { ...filter, people: undefined }, limit),
    horizonOf(siteDb(c.env, c.get("site")), siteId),
  ]);
  return c.json({ personId, ...ids, events, rawSince: horizon > from ? new Date(horizon).toISOString() : null } satisfies TimelineBody);
});

queryRoutes.get("/attribution", async (c) => {
  const q = queryOf(c);
  const jq = journeyQuery(c, q, parseCommon(q, Date.now()));
  const groupBy = parseChoice(q, "group_by", GROUP_BYS, "channel");
  const value = parseChoice(q, "value", ["count", "revenue"] as const, "count");
  const journeys = await loadJourneyDigest(siteDb(c.env, c.get("site")), c.get("site").id, jq);
  const counted = attributionOf(journeys, groupBy, "count");
  const body: AttributionBody = { conversion: jq.conversion, conversions: counted.total, groupBy, lookbackDays: jq.lookbackMs / DAY_MS, models: counted.models };
  if (value === "count") return c.json(body);
  const valued = attributionOf(journeys, groupBy, "revenue");
  return c.json({ ...body, revenue: valued.total, valueModels: valued.models } satisfies AttributionBody);
});

/** A person with no touchpoint in their state yet (the consumer writes it just after their events). */
const NO_TOUCH = "(none)";

queryRoutes.get("/funnel", async (c) => {
  const q = queryOf(c);
  const common = parseCommon(q, Date.now());
  const steps = parseSteps(parseList(q, "steps", 20));
  const window = parseDuration(q, "window", "7d");
  const order = parseChoice(q, "order", FUNNEL_ORDERS, "sequential");
  const breakdown = parseChoice(q, "breakdown", ["none", "channel"] as const, "none");
  // Strict order needs every event between the steps to see that none intervened.
  const events = await namedEventsOfRange(siteDb(c.env, c.get("site")), c.get("site").id, common, common.filter, order === "strict" ? null : stepEvents(steps));
  const reaches: Reach[] = [];
  for (const { first, events: list } of events.values()) {
    const r = reach(list.map((e) => ({ ts: e.ts, name: e.name, channel: breakdown === "channel" ? e.in : null })), steps, window.ms, order);
    if (r.done[0]) reaches.push({ ...r, firstTouch: first !== null && first.ts <= common.to ? first.channel : NO_TOUCH });
  }
  return c.json({
    steps: funnelSteps(steps, reaches),
    window: window.text,
    order,
    ...(breakdown === "channel" ? { breakdown: funnelByChannel(steps, reaches) } : {}),
  } satisfies FunnelBody);
});

/** On /paths, `from` and `to` that are not times name the anchor event (API.md's `to=purchase`). */
function pathsAnchor(q: Query): { start?: string; end?: string; q: Query } {
  const anchor = (name: string) => {
    const v = q(name);
    return v !== undefined && asTime(v) === null ? v : undefined;
  };
  const start = anchor("from");
  const end = anchor("to");
  return { start, end, q: Object.assign((name: string) => ((name === "from" && start) || (name === "to" && end) ? undefined : q(name)), { asked: q.asked }) };
}

queryRoutes.get("/paths", async (c) => {
  const anchor = pathsAnchor(queryOf(c));
  const q = anchor.q;
  const common = parseCommon(q, Date.now());
  const maxSteps = parseInteger(q, "max_steps", 5, 1, 20);
  const top = parseInteger(q, "top", 20, 1, 200);
  const db = siteDb(c.env, c.get("site"));
  const siteId = c.get("site").id;
  if (anchor.start === undefined) {
    const jq = journeyQuery(c, (name) => (name === "conversion" ? (anchor.end ?? q(name)) : q(name)), common);
    const journeys = await loadJourneyDigest(db, siteId, jq);
    return c.json({ to: jq.conversion, ...topPaths(pathJourneys(journeys), maxSteps, top, "last") } satisfies PathsBody);
  }
  const conversion = parseConversion(q, c.get("site").settings.conversions);
  const events = await namedEvents(db, siteId, common, { people: common.filter.people }, [anchor.start, conversion], { version: versionOf(c.req.raw), withChannel: false });
  const starts = new Map<string, number>();
  const conversions = new Map<string, number[]>();
  for (const [personId, list] of events) {
    const start = list.find((e) => e.name === anchor.start);
    if (start) starts.set(personId, start.ts);
    conversions.set(personId, list.filter((e) => e.name === conversion).map((e) => e.ts));
  }
  // Only the starters' touchpoints count: theirs, not every touchpoint of the range.
  const touchpoints = await touchesOfPeople(db, siteId, [...starts.keys()], common);
  for (const [personId, since] of starts) {
    const own = (touchpoints.get(personId) ?? []).filter((t) => t.ts >= since);
    if (!own.some((t) => touchMatches(t, common.filter))) starts.delete(personId);
  }
  return c.json({ from: anchor.start, conversion, ...topPaths(journeysAfter(starts, touchpoints, conversions), maxSteps, top, "first") } satisfies PathsBody);
});

queryRoutes.get("/transitions", async (c) => {
  const q = queryOf(c);
  const journeys = await loadJourneyDigest(siteDb(c.env, c.get("site")), c.get("site").id, journeyQuery(c, q, parseCommon(q, Date.now())));
  return c.json(transitions(pathJourneys(journeys)) satisfies TransitionsBody);
});

/** The site's stages in the order its mapping names them (the cycle), unknown ones after. */
function stageOrder(site: Site): (stage: string) => number {
  const order = [...new Set(Object.values(site.settings.stages))];
  return (stage) => (order.includes(stage) ? order.indexOf(stage) : order.length);
}

queryRoutes.get("/journeys/stats", async (c) => {
  const q = queryOf(c);
  const common = parseCommon(q, Date.now());
  const site = c.get("site");
  const [journeys, stages] = await Promise.all([
    loadJourneyDigest(siteDb(c.env, c.get("site")), site.id, journeyQuery(c, q, common)).then(pathJourneys),
    peopleByStage(siteDb(c.env, c.get("site")), site.id, common, common.filter, versionOf(c.req.raw)),
  ]);
  const rank = stageOrder(site);
  return c.json({
    journeys: journeys.reduce((n, j) => n + (j.weight ?? 1), 0),
    histogram: touchpointHistogram(journeys),
    channelCount: channelCount(journeys),
    stages: stages.sort((a, b) => rank(a.stage) - rank(b.stage) || b.people - a.people),
  } satisfies JourneyStatsBody);
});

queryRoutes.get("/stalled", async (c) => {
  const q = queryOf(c);
  const common = parseCommon(q, Date.now());
  const started = parseName(q, "started");
  const expected = parseName(q, "expected");
  const after = parseDuration(q, "after", "3d");
  const format = parseChoice(q, "format", ["json", "csv"] as const, "json");
  const limit = parseInteger(q, "limit", 1000, 1, 10_000);
  const people = await stalledRows(siteDb(c.env, c.get("site")), c.get("site").id, common,
    { started, expected, afterMs: after.ms, limit, journeys: journeyQuery(c, q, common) });
  if (format === "json") return c.json({ started, expected, after: after.text, people } satisfies StalledBody);
  const header = ["personId", "userIds", "startedAt", "lastTouchpointAt", "lastTouchpointChannel", "lastTouchpointEvent", "contactChannel", "stage", "nextBestTouchpoint"];
  const csv = toCsv(header, people.map((p) => [
    p.personId, p.userIds.join(" "), p.startedAt, p.lastTouchpoint?.timestamp ?? null, p.lastTouchpoint?.channel ?? null,
    p.lastTouchpoint?.event ?? null, p.contactChannel, p.stage, p.nextBestTouchpoint,
  ]));
  return c.body(csv, 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="stalled-${started}.csv"` });
});

queryRoutes.get("/churn", async (c) => {
  const q = queryOf(c);
  const common = parseCommon(q, Date.now());
  const event = parseName(q, "event", "unsubscribe");
  return c.json(await churnAnswer(siteDb(c.env, c.get("site")), c.get("site").id, common, common.filter, event, versionOf(c.req.raw)) satisfies ChurnBody);
});

queryRoutes.get("/retention", async (c) => {
  const q = queryOf(c);
  const common = parseCommon(q, Date.now());
  const interval = parseChoice(q, "interval", ["day", "week", "month"] as const, "week");
  const cohorts = await retentionCohorts(siteDb(c.env, c.get("site")), c.get("site").id, common, common.filter, interval, versionOf(c.req.raw));
  return c.json({ interval, cohorts } satisfies RetentionBody);
});

queryRoutes.get("/vitals", async (c) => {
  const q = queryOf(c);
  const common = parseCommon(q, Date.now());
  const db = siteDb(c.env, c.get("site"));
  const siteId = c.get("site").id;
  const [rows, engagement] = await Promise.all([vitalSamples(db, siteId, common, common.filter), engagementByPage(db, siteId, common, common.filter)]);
  const samples = rows.flatMap(({ path, name, value }) =>
    path !== null && isVitalName(name) && typeof value === "number" && Number.isFinite(value) ? [{ path, name, value }] : [],
  );
  return c.json({ pages: withEngagement(vitalsByPage(samples), engagement) } satisfies VitalsBody);
});

/** Hourly points over a long range would flood the chart; past this many the range must shrink. */
const MAX_POINTS = 2000;

queryRoutes.get("/timeseries", async (c) => {
  const q = queryOf(c);
  const common = parseCommon(q, Date.now());
  const interval = parseChoice(q, "interval", INTERVALS, "day");
  const site = c.get("site");
  const conversion = parseConversion(q, site.settings.conversions);
  const buckets = bucketsBetween(common.from, common.to, interval);
  if (buckets.length > MAX_POINTS) throw new ParamError("interval", `more than ${MAX_POINTS} points: choose a longer interval or a shorter range`);
  const [events, sessions] = await Promise.all([
    eventSeries(siteDb(c.env, c.get("site")), site.id, common, common.filter, interval, conversion, versionOf(c.req.raw)),
    sessionSeries(siteDb(c.env, c.get("site")), site.id, common, common.filter, interval, versionOf(c.req.raw)),
  ]);
  const eventsAt = new Map(events.map((r) => [r.bucket, r]));
  const sessionsAt = new Map(sessions.map((r) => [r.bucket, r.sessions]));
  const points = buckets.map((b) => ({
    t: bucketLabel(b, interval),
    people: eventsAt.get(b)?.people ?? 0,
    sessions: sessionsAt.get(b) ?? 0,
    events: eventsAt.get(b)?.events ?? 0,
    conversions: eventsAt.get(b)?.conversions ?? 0,
  }));
  return c.json({ interval, points } satisfies TimeseriesBody);
});

queryRoutes.get("/channels", async (c) => {
  const q = queryOf(c);
  const common = parseCommon(q, Date.now());
  const site = c.get("site");
  const conversion = parseConversion(q, site.settings.conversions);
  return c.json({ channels: await channelCounts(siteDb(c.env, c.get("site")), site.id, common, common.filter, conversion, versionOf(c.req.raw)) } satisfies ChannelsBody);
});

queryRoutes.get("/event-names", async (c) => {
  const common = parseCommon(queryOf(c), Date.now());
  return c.json({ events: await eventNames(siteDb(c.env, c.get("site")), c.get("site").id, common, common.filter, versionOf(c.req.raw)) } satisfies EventNamesBody);
});

