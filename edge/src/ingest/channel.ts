// Default channel grouping, modelled on GA4's
// (https://support.google.com/analytics/answer/9756891): explicit channel first, then click ids,
// then UTM source/medium, then the referrer. Pure.
import type { ClickId } from "@parcours/sdk/wire";
import { isExcludedReferrer } from "../sites/referral-exclusions";

export interface ChannelInput {
  explicitChannel?: string | null;
  utm: { source?: string | null; medium?: string | null; campaign?: string | null };
  clickIds: Partial<Record<ClickId, string>>;
  /** Referrer URL, if any. */
  referrer?: string | null;
  /** Host of the page itself: a referrer from the same host is navigation, not a source. */
  pageHost?: string | null;
  /** Messages from an app (screen events, context.app) with nothing else to go on. */
  isApp?: boolean;
  /** Hosts whose referrer counts as none (referral-exclusions.ts): checkouts and the site's own. */
  excludedReferrers?: readonly string[];
}

export interface ChannelResult {
  channel: string;
  source: string | null;
  medium: string | null;
  campaign: string | null;
}

const SEARCH = /(^|\.)(google|bing|yahoo|duckduckgo|baidu|yandex|ecosia|qwant|naver|seznam|startpage|brave|search\.aol|ask)\./;
const SOCIAL = /(^|\.)(facebook|fb|instagram|linkedin|lnkd|twitter|t\.co|x\.com|tiktok|pinterest|reddit|youtube|snapchat|threads|mastodon|whatsapp|messenger|tumblr|vk|quora|bsky)\b/;
const VIDEO = /(^|\.)(youtube|vimeo|twitch|dailymotion)\b/;
const EMAIL_HOSTS = /(^|\.)(mail\.google|outlook\.live|mail\.yahoo|webmail)\./;

// Which network a click id comes from, and whether it marks a paid click.
const CLICK_ID_SOURCES: Record<ClickId, [source: string, channel: string]> = {
  gclid: ["google", "paid_search"],
  gbraid: ["google", "paid_search"],
  wbraid: ["google", "paid_search"],
  dclid: ["google", "display"],
  msclkid: ["bing", "paid_search"],
  // Facebook appends fbclid to organic shares too, so it alone is not proof of a paid click.
  fbclid: ["facebook", "social"],
  ttclid: ["tiktok", "paid_social"],
  li_fat_id: ["linkedin", "paid_social"],
  twclid: ["twitter", "paid_social"],
};

export function hostOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, "");
  } catch {
    return null;
  }
}

const lower = (s: string | null | undefined) => (s ? s.trim().toLowerCase() : null) || null;

function fromMedium(medium: string, source: string): string | null {
  const isSearch = SEARCH.test(source + ".") || /^(google|bing|yahoo|duckduckgo|baidu|yandex)$/.test(source);
  const isSocial = SOCIAL.test(source) || /^(facebook|instagram|linkedin|twitter|tiktok|pinterest|reddit|x|meta|fb|ig)$/.test(source);
  if (/^(.*cp.*|ppc|retargeting|paid.*)$/.test(medium)) {
    if (isSocial) return "paid_social";
    if (isSearch) return "paid_search";
    if (VIDEO.test(source)) return "video";
    return "paid_other";
  }
  if (/^(display|banner|expandable|interstitial|cpm)$/.test(medium)) return "display";
  if (/^(e-?mail|newsletter|e_mail|e mail)$/.test(medium) || /^(e-?mail|newsletter)$/.test(source)) return "email";
  if (medium === "affiliate" || medium === "affiliates") return "affiliate";
  if (/^(social|social-network|social-media|sm|social network|social media)$/.test(medium)) return "social";
  if (medium === "organic") return isSearch ? "organic_search" : isSocial ? "social" : "organic_search";
  if (medium === "referral") return "referral";
  if (medium === "sms") return "sms";
  if (/push$|mobile|notification/.test(medium)) return "mobile_push";
  if (medium === "audio") return "audio";
  if (medium === "video") return "video";
  return null;
}

export function classifyChannel(input: ChannelInput): ChannelResult {
  const utmSource = lower(input.utm.source);
  const utmMedium = lower(input.utm.medium);
  const campaign = input.utm.campaign?.trim() || null;
  const explicit = lower(input.explicitChannel);

  const clickId = (Object.keys(CLICK_ID_SOURCES) as ClickId[]).find((k) => input.clickIds[k]);
  const refHost = hostOf(input.referrer);
  const internal = refHost !== null && ((input.pageHost != null && refHost === input.pageHost.replace(/^www\./, ""))
    || isExcludedReferrer(refHost, input.excludedReferrers ?? []));

  const source = utmSource ?? (clickId ? CLICK_ID_SOURCES[clickId][0] : null) ?? (internal ? null : refHost);
  const medium = utmMedium ?? (clickId ? (CLICK_ID_SOURCES[clickId][1] === "social" ? "social" : "cpc") : null);
  const result = (channel: string, m: string | null = medium): ChannelResult => ({ channel, source, medium: m, campaign });

  if (explicit) return result(explicit);
  if (clickId) {
    const paid = CLICK_ID_SOURCES[clickId][1];
    // A click id decides paid vs organic unless UTM says more precisely.
    const byUtm = utmMedium ? fromMedium(utmMedium, utmSource ?? CLICK_ID_SOURCES[clickId][0]) : null;
    return result(byUtm ?? paid);
  }
  if (utmMedium || utmSource) {
    const byUtm = fromMedium(utmMedium ?? "", utmSource ?? "");
    if (byUtm) return result(byUtm);
    if (utmSource && SEARCH.test(utmSource + ".")) return result("organic_search");
    if (utmSource && SOCIAL.test(utmSource)) return result("social");
    if (campaign || utmSource) return result("referral");
  }
  if (refHost && !internal) {
    if (SEARCH.test(refHost)) return result("organic_search", "organic");
    if (VIDEO.test(refHost)) return result("video", "referral");
    if (SOCIAL.test(refHost)) return result("social", "social");
    if (EMAIL_HOSTS.test(refHost)) return result("email", "email");
    return result("referral", "referral");
  }
  if (input.isApp) return result("app", medium);
  return { channel: "direct", source: null, medium: null, campaign };
}
