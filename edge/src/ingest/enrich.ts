// Step 2 of ingest: add what the edge knows (channel, device, geo, stage, value) to a valid
// message, and judge whether a bot sent it. Pure: request facts and site settings are arguments.
import Bowser from "bowser";
import { isbot } from "isbot";
import { CLICK_IDS, type ClickId } from "@parcours/sdk/wire";
import type { SiteSettings } from "../db/schema";
import type { EnrichedEvent, FilteredEvent } from "../pipeline/payload";
import { classifyChannel, hostOf } from "./channel";
import { excludedReferrerHosts } from "../sites/referral-exclusions";
import { isPlainObject, nonEmptyText as str } from "../lib/guards";
import type { ValidMessage } from "./validate";

export interface RequestFacts {
  /** The request's User-Agent header. */
  userAgent: string | null;
  country: string | null;
  region: string | null;
  receivedAt: number;
  /** Secret-key traffic: its request User-Agent is a library's, not the end user's. */
  trusted: boolean;
}

export interface Device { device: string | null; browser: string | null; os: string | null }


export function parseUserAgent(ua: string | null): Device {
  if (!ua) return { device: null, browser: null, os: null };
  const p = Bowser.parse(ua);
  return {
    device: p.platform.type ?? "desktop",
    browser: p.browser.name ?? null,
    os: p.os.name ?? null,
  };
}

/**
 * Headless browsers announce themselves in the UA; isbot's list covers the crawlers.
 * Only the end user's agent is judged (API.md): context.userAgent, else the request's for browsers.
 */
export function botReason(ua: string | null): string | null {
  if (!ua) return null;
  if (/HeadlessChrome|PhantomJS|Electron\/|Puppeteer|Playwright/i.test(ua)) return "headless";
  return isbot(ua) ? "bot" : null;
}

function readCampaign(ctx: Record<string, unknown>, pageUrl: string | null) {
  const c = isPlainObject(ctx.campaign) ? ctx.campaign : {};
  const utm = { source: str(c.source), medium: str(c.medium), campaign: str(c.name) };
  const clickIds: Partial<Record<ClickId, string>> = isPlainObject(c.clickIds) ? { ...(c.clickIds as object) } : {};
  // Senders that only pass the page URL (most Segment clients) still get their campaign read.
  if (pageUrl) {
    try {
      const q = new URL(pageUrl).searchParams;
      utm.source ??= q.get("utm_source");
      utm.medium ??= q.get("utm_medium");
      utm.campaign ??= q.get("utm_campaign");
      for (const k of CLICK_IDS) if (!clickIds[k] && q.get(k)) clickIds[k] = q.get(k)!;
    } catch {
      // A malformed page URL just carries no campaign.
    }
  }
  return { utm, clickIds };
}

export type Enriched = { ok: true; event: EnrichedEvent } | { ok: false; filtered: FilteredEvent };

export function enrich(m: ValidMessage & { messageId: string }, facts: RequestFacts, settings: SiteSettings): Enriched {
  const ctx = m.context;
  const endUserAgent = str(ctx.userAgent) ?? (facts.trusted ? null : facts.userAgent);
  const reason = botReason(endUserAgent);
  if (reason) {
    return { ok: false, filtered: { messageId: m.messageId, reason, userAgent: endUserAgent, ts: m.ts, receivedAt: facts.receivedAt } };
  }

  // Segment's page calls carry url/path/referrer in properties (the spec's reserved page
  // properties); browser clients put them in context.page. Either serves.
  const pageProps = m.type === "page" && m.properties ? m.properties : {};
  const page = { ...pageProps, ...(isPlainObject(ctx.page) ? ctx.page : {}) };
  const pageUrl = str(page.url);
  const { utm, clickIds } = readCampaign(ctx, pageUrl);
  const ch = classifyChannel({
    explicitChannel: str(ctx.channel),
    utm,
    clickIds,
    referrer: str(page.referrer),
    pageHost: hostOf(pageUrl),
    isApp: m.type === "screen" || isPlainObject(ctx.app),
    // The referrer itself stays in the stored context (the live view shows it); only the
    // channel, source and medium read it as none.
    excludedReferrers: excludedReferrerHosts(settings),
  });
  const hasCampaign = Boolean(utm.source || utm.medium || utm.campaign || Object.keys(clickIds).length);

  const props = m.properties ?? (m.type === "identify" || m.type === "group" ? m.traits : null);
  const name = m.type === "track" ? m.event : null;
  const valueKey = settings.revenueProperty ?? "revenue";
  // A web vital's `value` is a timing or a score (the SDK's web_vital event), not money: read as
  // revenue it cost every kept state bytes for a number no answer should use.
  const rawValue = name === "web_vital" ? undefined : m.properties?.[valueKey] ?? m.properties?.value;
  const revenue = typeof rawValue === "number" && Number.isFinite(rawValue) ? rawValue
    : typeof rawValue === "string" && rawValue.trim() !== "" && Number.isFinite(Number(rawValue)) ? Number(rawValue) : null;
  let path = str(page.path) ?? (pageUrl ? safePath(pageUrl) : null);
  if (m.type === "screen" || (m.type === "page" && !path)) path = path ?? m.name;

  // Only what analysis needs is kept from the context; never an IP (ctx.ip is dropped here).
  const { ip: _ip, ...keptContext } = ctx;
  const ua = parseUserAgent(endUserAgent);
  const geo = isPlainObject(ctx.location) ? ctx.location : {};
  return {
    ok: true,
    event: {
      messageId: m.messageId,
      type: m.type,
      event: name,
      userId: m.userId,
      anonymousId: m.anonymousId,
      previousId: m.previousId,
      ts: m.ts,
      receivedAt: facts.receivedAt,
      channel: ch.channel,
      channelExplicit: Boolean(str(ctx.channel)),
      source: ch.source,
      medium: ch.medium,
      campaign: ch.campaign,
      campaignKey: hasCampaign ? [ch.source, ch.medium, ch.campaign].join("|") : null,
      // Own keys only: an event named "__proto__" or "constructor" must not read Object.prototype.
      stage: name && Object.hasOwn(settings.stages, name) ? settings.stages[name] : null,
      isConversion: name !== null && settings.conversions.includes(name),
      revenue,
      path,
      // A server's request location is the server's, so trusted traffic only gets what it states.
      country: (facts.trusted ? null : facts.country) ?? str(geo.country),
      region: (facts.trusted ? null : facts.region) ?? str(geo.region),
      device: ua.device,
      browser: ua.browser,
      os: ua.os,
      properties: props,
      context: keptContext,
    },
  };
}

function safePath(url: string): string | null {
  try {
    return new URL(url).pathname;
  } catch {
    return null;
  }
}
