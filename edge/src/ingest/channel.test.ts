import { describe, expect, it } from "vitest";
import { classifyChannel, type ChannelInput } from "./channel";

const base: ChannelInput = { utm: {}, clickIds: {}, pageHost: "shop.example" };

describe("classifyChannel (GA4-style default channel grouping)", () => {
  const cases: [string, Partial<ChannelInput>, string, string | null][] = [
    ["explicit channel wins over everything", { explicitChannel: "Phone", utm: { source: "google", medium: "cpc" } }, "phone", "google"],
    ["gclid is paid search", { clickIds: { gclid: "x" } }, "paid_search", "google"],
    ["msclkid is paid search on bing", { clickIds: { msclkid: "x" } }, "paid_search", "bing"],
    ["dclid is display", { clickIds: { dclid: "x" } }, "display", "google"],
    ["fbclid alone is organic social", { clickIds: { fbclid: "x" } }, "social", "facebook"],
    ["fbclid with paid medium is paid social", { clickIds: { fbclid: "x" }, utm: { source: "facebook", medium: "paid_social" } }, "paid_social", "facebook"],
    ["ttclid is paid social", { clickIds: { ttclid: "x" } }, "paid_social", "tiktok"],
    ["cpc from google is paid search", { utm: { source: "google", medium: "cpc" } }, "paid_search", "google"],
    ["cpc from facebook is paid social", { utm: { source: "facebook", medium: "cpc" } }, "paid_social", "facebook"],
    ["cpc elsewhere is paid other", { utm: { source: "partner", medium: "cpc" } }, "paid_other", "partner"],
    ["email medium", { utm: { source: "newsletter", medium: "email" } }, "email", "newsletter"],
    ["newsletter source without medium", { utm: { source: "newsletter" } }, "email", "newsletter"],
    ["display medium", { utm: { source: "dsp", medium: "banner" } }, "display", "dsp"],
    ["affiliate medium", { utm: { source: "awin", medium: "affiliate" } }, "affiliate", "awin"],
    ["social medium", { utm: { source: "linkedin", medium: "social" } }, "social", "linkedin"],
    ["sms medium", { utm: { source: "crm", medium: "sms" } }, "sms", "crm"],
    ["search referrer is organic search", { referrer: "https://www.google.com/search?q=x" }, "organic_search", "google.com"],
    ["social referrer", { referrer: "https://l.facebook.com/" }, "social", "l.facebook.com"],
    ["video referrer", { referrer: "https://www.youtube.com/watch" }, "video", "youtube.com"],
    ["other referrer is referral", { referrer: "https://blog.example/post" }, "referral", "blog.example"],
    ["own host referrer is direct", { referrer: "https://shop.example/cart" }, "direct", null],
    ["nothing is direct", {}, "direct", null],
    ["an app with nothing else", { isApp: true }, "app", null],
    ["unparseable referrer is direct", { referrer: "not a url" }, "direct", null],
  ];
  it.each(cases)("%s", (_name, input, channel, source) => {
    const r = classifyChannel({ ...base, ...input, utm: { ...input.utm }, clickIds: { ...input.clickIds } });
    expect(r.channel).toBe(channel);
    expect(r.source).toBe(source);
  });

  it("keeps the campaign name", () => {
    expect(classifyChannel({ ...base, utm: { source: "google", medium: "cpc", campaign: " Black Friday " } }).campaign).toBe("Black Friday");
  });
});
