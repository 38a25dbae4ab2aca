// Validation of the admin API's site body (create and patch). Pure.
import type { ApiError } from "@parcours/sdk/wire";
import type { SiteSettings } from "../db/schema";
import { invalidField } from "../errors";
import { isPlainObject } from "../lib/guards";
import { WEBHOOK_MODELS } from "../act/models";
import { MAX_INGEST_SHARDS } from "../sites/ingest-shards";
import { referrerHostOf } from "../sites/referral-exclusions";

export interface SiteInput {
  id?: string;
  name?: string;
  writeKey?: string;
  secretKey?: string;
  readToken?: string;
  /** The binding its data goes to (checked against what is bound by the route). */
  database?: string;
  settings: Partial<SiteSettings>;
}

const MAX_EXCLUDED_REFERRERS = 200;

const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string" && x.length > 0 && x.length <= 256);

export function parseSiteInput(body: unknown, creating: boolean): { ok: true; input: SiteInput } | { ok: false; error: ApiError } {
  if (!isPlainObject(body)) return { ok: false, error: invalidField("body", "body must be a JSON object") };
  const err = (field: string, message: string) => ({ ok: false as const, error: invalidField(field, message) });
  const settings: Partial<SiteSettings> = {};
  if (creating && (typeof body.name !== "string" || !body.name.trim())) return err("name", "name is required");
  if (body.name !== undefined && (typeof body.name !== "string" || body.name.length > 200)) return err("name", "name must be a string");
  for (const k of ["id", "writeKey", "secretKey", "readToken"] as const) {
    const v = body[k];
    if (v !== undefined && (typeof v !== "string" || !/^[A-Za-z0-9_.-]{3,128}$/.test(v))) return err(k, `${k} must be 3-128 letters, digits, _ . or -`);
  }
  for (const k of ["allowedOrigins", "conversions", "redirectHosts"] as const) {
    if (body[k] !== undefined) {
      if (!strings(body[k])) return err(k, `${k} must be an array of strings`);
      settings[k] = body[k] as string[];
    }
  }
  if (body.stages !== undefined) {
    if (!isPlainObject(body.stages) || !Object.values(body.stages).every((v) => typeof v === "string")) return err("stages", "stages must map event names to stage names");
    settings.stages = body.stages as Record<string, string>;
  }
  for (const k of ["sessionGapMinutes", "lookbackDays", "retentionDays", "rawRetentionDays"] as const) {
    const v = body[k];
    if (v !== undefined) {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 3650) return err(k, `${k} must be a whole number from 0 to 3650`);
      settings[k] = v;
    }
  }
  if (body.ingestShards !== undefined) {
    const v = body.ingestShards;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > MAX_INGEST_SHARDS) return err("ingestShards", `ingestShards must be a whole number from 1 to ${MAX_INGEST_SHARDS}`);
    settings.ingestShards = v;
  }
  if (body.attributionModel !== undefined) {
    if (!WEBHOOK_MODELS.includes(body.attributionModel as never)) return err("attributionModel", `attributionModel must be one of ${WEBHOOK_MODELS.join(", ")}`);
    settings.attributionModel = body.attributionModel as string;
  }
  if (body.atRiskThreshold !== undefined) {
    const v = body.atRiskThreshold;
    if (typeof v !== "number" || !(v > 0 && v <= 1)) return err("atRiskThreshold", "atRiskThreshold must be a score above 0 and at most 1");
    settings.atRiskThreshold = v;
  }
  if (body.excludedReferrers !== undefined) {
    const list = body.excludedReferrers;
    if (!Array.isArray(list) || list.length > MAX_EXCLUDED_REFERRERS) return err("excludedReferrers", `excludedReferrers must be an array of at most ${MAX_EXCLUDED_REFERRERS} hosts`);
    const hosts: string[] = [];
    for (const [i, v] of list.entries()) {
      const host = typeof v === "string" ? referrerHostOf(v) : null;
      if (!host) return err(`excludedReferrers[${i}]`, `${JSON.stringify(v)} is not a host name (e.g. checkout.stripe.com)`);
      if (!hosts.includes(host)) hosts.push(host);
    }
    settings.excludedReferrers = hosts;
  }
  if (body.database !== undefined && typeof body.database !== "string") return err("database", "database must name a binding, e.g. SITE_DB_1");
  if (body.revenueProperty !== undefined) {
    if (typeof body.revenueProperty !== "string") return err("revenueProperty", "revenueProperty must be a string");
    settings.revenueProperty = body.revenueProperty;
  }
  return {
    ok: true,
    input: {
      id: body.id as string | undefined, name: body.name as string | undefined,
      writeKey: body.writeKey as string | undefined, secretKey: body.secretKey as string | undefined,
      readToken: body.readToken as string | undefined, database: body.database as string | undefined, settings,
    },
  };
}

export const DEFAULT_SETTINGS: SiteSettings = { allowedOrigins: [], conversions: ["purchase"], stages: {}, redirectHosts: [] };
