// What every read handler starts from: a router whose bad parameters answer 400 invalid_field, the
// query string as a lookup, and the journey parameters (conversion, lookback) with the site's
// defaults. Shared by routes.ts and marketing/routes.ts.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env";
import { invalidField } from "../errors";
import { versionOf } from "./answer-cache";
import { DAY_MS } from "./journeys";
import type { JourneyQuery } from "./load/journeys";
import { ParamError, parseConversion, parseInteger, type Common } from "./params";

export type Query = (name: string) => string | undefined;
export type C = Context<AppEnv>;

export const queryOf = (c: C): Query => (name) => c.req.query(name);

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
