// Referral exclusions: a referrer from a payment provider's checkout, or from one of the site's own
// hosts, is where the visitor was sent back from, not where they came from. It counts as no
// referrer (as GA4's "unwanted referrals" and Matomo's excluded referrers do), so the sale keeps
// the credit of the channel that brought the visitor. Pure.
import type { SiteSettings } from "../db/schema";

/**
 * Payment and checkout hosts (each also covers its subdomains): the pages a shop sends its
 * customers to and gets them back from.
 */
export const DEFAULT_EXCLUDED_REFERRERS: readonly string[] = [
  // Stripe: Checkout, Payment Links, the customer portal, hosted invoices, 3-D Secure returns.
  "checkout.stripe.com", "buy.stripe.com", "billing.stripe.com", "invoice.stripe.com", "hooks.stripe.com",
  // PayPal (www., sandbox.) and PayPal.Me.
  "paypal.com", "paypal.me",
  // Adyen: hosted checkout (checkoutshopper-live.adyen.com and regional ones) and Pay by Link.
  "adyen.com", "adyen.link",
  // Mollie: www.mollie.com/checkout and /paymentscreen, payment links.
  "mollie.com",
  // Klarna: pay.klarna.com and the other Klarna payment pages.
  "klarna.com",
  // Shopify checkout on Shopify's hosts, and Shop Pay.
  "checkout.shopify.com", "pay.shopify.com", "shop.app",
  // Lemon Squeezy: <store>.lemonsqueezy.com/checkout.
  "lemonsqueezy.com",
  // Paddle: buy.paddle.com, checkout.paddle.com, sandbox hosts.
  "paddle.com",
];

const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * A host as the list keeps it, from what an admin types: `checkout.stripe.com`, a URL of it, or
 * `*.paddle.com` (a listed host covers its subdomains anyway). Null when it is no host.
 */
export function referrerHostOf(input: string): string | null {
  const text = input.trim().toLowerCase().replace(/^\*\./, "");
  const host = text.replace(/^[a-z][a-z0-9+.-]*:\/\//, "").replace(/^www\./, "").replace(/[/:?#].*$/, "");
  return host && HOST.test(host) ? host : null;
}

/** The site's own hosts, from its allowed origins (`https://*.shop.example` gives shop.example). */
export function ownHosts(allowedOrigins: readonly string[]): string[] {
  return allowedOrigins.flatMap((o) => {
    const host = referrerHostOf(o.replace(/:\*$/, "").replace(/:\/\/\*\./, "://"));
    return host ? [host] : [];
  });
}

/** Every host whose referrer counts as none for this site: its list (or the default) and its own. */
// Ingest asks once per message; the list only changes with the settings object (the catalog
// keeps one per site for a while), so it is worked out once per object.
const hostsOf = new WeakMap<object, string[]>();

export function excludedReferrerHosts(settings: Pick<SiteSettings, "allowedOrigins" | "excludedReferrers">): string[] {
  let hosts = hostsOf.get(settings);
  if (!hosts) hostsOf.set(settings, (hosts = [...(settings.excludedReferrers ?? DEFAULT_EXCLUDED_REFERRERS), ...ownHosts(settings.allowedOrigins)]));
  return hosts;
}

/** Whether a referrer host is a listed one or a subdomain of one. */
export function isExcludedReferrer(host: string, excluded: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/^www\./, "");
  return excluded.some((e) => h === e || h.endsWith(`.${e}`));
}
