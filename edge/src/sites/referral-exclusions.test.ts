import { describe, expect, it } from "vitest";
import { classifyChannel } from "../ingest/channel";
import { DEFAULT_EXCLUDED_REFERRERS, excludedReferrerHosts, isExcludedReferrer, ownHosts, referrerHostOf } from "./referral-exclusions";

const site = (excludedReferrers?: string[]) => excludedReferrerHosts({ allowedOrigins: ["https://shop.example", "https://*.brand.example", "http://localhost:*"], excludedReferrers });
const channelOf = (referrer: string, excluded = site(), utm = {}) =>
  classifyChannel({ utm, clickIds: {}, referrer, pageHost: "shop.example", excludedReferrers: excluded });

describe("referral exclusions", () => {
  it.each([
    ["https://checkout.stripe.com/c/pay/cs_live_a1", "direct", null],
    ["https://www.paypal.com/checkoutnow?token=x", "direct", null],
    ["https://www.sandbox.paypal.com/", "direct", null],
    ["https://checkoutshopper-live.adyen.com/checkoutshopper/", "direct", null],
    ["https://www.mollie.com/checkout/select-method/x", "direct", null],
    ["https://pay.klarna.com/eu/x", "direct", null],
    ["https://checkout.shopify.com/123/checkouts/abc", "direct", null],
    ["https://acme.lemonsqueezy.com/checkout/buy/x", "direct", null],
    ["https://buy.paddle.com/checkout/x", "direct", null],
    // The site's own hosts, from its allowed origins.
    ["https://blog.brand.example/post", "direct", null],
    ["http://localhost:5173/", "direct", null],
    // Not listed: still a referral. A look-alike suffix is not a subdomain.
    ["https://blog.example/post", "referral", "blog.example"],
    ["https://stripe.com/blog", "referral", "stripe.com"],
    ["https://notpaypal.com/", "referral", "notpaypal.com"],
  ])("%s -> %s", (referrer, channel, source) => {
    const r = channelOf(referrer);
    expect(r.channel).toBe(channel);
    expect(r.source).toBe(source);
  });

  it("leaves a campaign alone: UTM decides, whatever the referrer", () => {
    const r = channelOf("https://checkout.stripe.com/x", site(), { source: "newsletter", medium: "email" });
    expect([r.channel, r.source]).toEqual(["email", "newsletter"]);
  });

  it("takes the site's own list instead of the default, and keeps its own hosts", () => {
    expect(channelOf("https://checkout.stripe.com/x", site([])).channel).toBe("referral");
    expect(channelOf("https://partner.example/x", site(["partner.example"])).channel).toBe("direct");
    expect(channelOf("https://shop.example/cart", site([])).channel).toBe("direct");
  });

  it("reads hosts from what an admin types", () => {
    expect(referrerHostOf(" Checkout.Stripe.com ")).toBe("checkout.stripe.com");
    expect(referrerHostOf("https://www.paypal.com/checkoutnow")).toBe("paypal.com");
    expect(referrerHostOf("*.paddle.com")).toBe("paddle.com");
    expect(referrerHostOf("shop.example:8443/x")).toBe("shop.example");
    expect(referrerHostOf("not a host")).toBeNull();
    expect(referrerHostOf("")).toBeNull();
    expect(referrerHostOf("*")).toBeNull();
    expect(ownHosts(["*", "https://*.a.example", "http://127.0.0.1:*"])).toEqual(["a.example", "127.0.0.1"]);
  });

  it("matches a listed host and its subdomains only", () => {
    expect(isExcludedReferrer("www.paypal.com", ["paypal.com"])).toBe(true);
    expect(isExcludedReferrer("a.b.paypal.com", ["paypal.com"])).toBe(true);
    expect(isExcludedReferrer("paypal.com.evil.example", ["paypal.com"])).toBe(false);
    // Every default entry is itself a valid host as the list keeps it.
    expect(DEFAULT_EXCLUDED_REFERRERS.length).toBeGreaterThan(0);
    for (const host of DEFAULT_EXCLUDED_REFERRERS) expect(referrerHostOf(host)).toBe(host);
  });
});
