// What every read handler starts from: a router whose bad parameters answer 400 invalid_field, the
// query string as a lookup, and the journey parameters (conversion, lookback) with the site's
// defaults. Shared by routes.ts and marketing/routes.ts. Also the two parameters every read
// endpoint takes (API.md "Compare, segments"): `segment` narrows the people any answer counts and
// `compare` asks the same question again for another range; both are handled here, once, so that
// no handler carries code for them.
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../env";
import { apiError, invalidField } from "../errors";
import { versionOf } from "./answer-cache";
import { COMPARE_MODES, type Compared } from "./api";
import { comparedRange } from "./compare";
import { DAY_MS } from "./journeys";
import type { JourneyQuery } from "./load/journeys";
import { asTime, ParamError, parseChoice, parseConversion, parseInteger, parseRange, type Asked, type Common, type Query, type Range } from "./params";
import { segmentById, type StoredSegment } from "./segments/store";
import { segmentPeople } from "./segments/resolve";
import { siteDb } from "../sites/site-db";

export type { Query };
export type C = Context<AppEnv>;

// Per request: the segment it names (read before the answer cache, so a deleted one is a 404 at
// once) and the range and people the question is asked for right now.
const segments = new WeakMap<Request, StoredSegment>();
const asked = new WeakMap<Request, Asked>();

export const queryOf = (c: C): Query => Object.assign((name: string) => c.req.query(name), { asked: asked.get(c.req.raw) });

/** A router for read handlers: a ParamError thrown anywhere in one answers 400 with its field. */
export function readRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.onError((err, c) => {
    if (err instanceof ParamError) return c.json({ error: invalidField(err.field, err.message) }, 400);
    throw err;
  });
  return routes;
}

export function journeyQuery(c: C, q: Query, common: Common): JourneyQuery {
  const site = c.get("site");
  const lookbackDays = parseInteger(q, "lookback_days", site.settings.lookbackDays ?? 30, 1, 365);
  return { ...common, conversion: parseConversion(q, site.settings.conversions), lookbackMs: lookbackDays * DAY_MS, version: versionOf(c.req.raw) };
}

const SEGMENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** `segment=ID`: the site's saved segment, or 400 (malformed) / 404 (unknown) naming `segment`. */
export function segmentParam(): MiddlewareHandler<AppEnv> {
  return async function segmentParam(c, next) {
    const id = c.req.query("segment");
    if (id === undefined || c.req.method !== "GET") return next();
    if (!SEGMENT_ID.test(id)) return c.json({ error: invalidField("segment", "segment must be the id of one of the site's segments") }, 400);
    const segment = await segmentById(siteDb(c.env, c.get("site")), c.get("site").id, id);
    if (!segment) return c.json({ error: apiError("not_found", "no segment with this id on this site", "segment") }, 404);
    segments.set(c.req.raw, segment);
    return next();
  };
}

/**
 * The range a question names, as its handler will read it. On /paths a `from` or `to` that is not
 * a time names an event (the anchor), not the range; elsewhere the handler refuses it.
 */
const rangeParams = (q: Query): Query => (name) => {
  const v = q(name);
  return (name === "from" || name === "to") && v !== undefined && v !== "" && asTime(v) === null ? undefined : v;
};

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Asks the question for the range (and, with a segment, for the segment's people in that range);
 * with `compare`, asks the same handler again for the compared range and adds its answer as
 * `previous`. After the answer cache, so a compared answer is kept whole.
 */
export function askedQuestion(): MiddlewareHandler<AppEnv> {
  return async function askedQuestion(c, next) {
    if (c.req.method !== "GET") return next();
    const q = queryOf(c);
    const compare = q("compare") === undefined ? null : parseChoice(q, "compare", COMPARE_MODES, "previous");
    const segment = segments.get(c.req.raw);
    if (!compare && !segment) return next();
    if (compare && q("format") === "csv") throw new ParamError("compare", "compare answers in JSON only: ask the CSV without compare");
    const askFor = async (range: Range) => {
      const people = segment && (await segmentPeople(siteDb(c.env, c.get("site")), c.get("site"), segment.filter, range, versionOf(c.req.raw)));
      asked.set(c.req.raw, people ? { range, people } : { range });
    };
    const range = parseRange(rangeParams(q), Date.now());
    await askFor(range);
    await next();
    if (!compare || c.res.status !== 200 || !/json/.test(c.res.headers.get("content-type") ?? "")) return;
    const current = await c.res.clone().json<Record<string, unknown>>();
    const previousRange = comparedRange(range, compare);
    await askFor(previousRange);
    // The handler that answered, asked again: its parameters are checked as before, its range and
    // people are the compared ones. A sub-router's handler comes wrapped in its error handler,
    // which keeps what it answers only on a context not yet finalized.
    c.finalized = false;
    const answered = await matchedRoutes(c)[c.req.routeIndex].handler(c, async () => {});
    const res = answered instanceof Response ? answered : c.res;
    if (res.status !== 200) {
      c.res = res;
      return;
    }
    const previous = await res.json<Record<string, unknown>>();
    c.res = c.json({ ...current, previous, previousRange: { from: iso(previousRange.from), to: iso(previousRange.to) } } satisfies Compared<Record<string, unknown>>);
  };
}
