import { describe, expect, it } from "vitest";
import { campaignFromUrl } from "./campaign";

describe("campaignFromUrl", () => {
  it.each([
    ["an untagged URL", "https://shop.example/", undefined],
    ["empty values", "https://shop.example/?utm_source=&gclid=", undefined],
    [
      "all five UTM parameters",
      "https://shop.example/?utm_source=newsletter&utm_medium=email&utm_campaign=spring&utm_term=shoes&utm_content=hero",
      { source: "newsletter", medium: "email", name: "spring", term: "shoes", content: "hero" },
    ],
    ["a click id alone", "https://shop.example/p?gclid=abc", { clickIds: { gclid: "abc" } }],
    [
      "UTM and several click ids",
      "https://shop.example/?utm_source=fb&fbclid=F1&msclkid=M1&li_fat_id=L1",
      { source: "fb", clickIds: { fbclid: "F1", msclkid: "M1", li_fat_id: "L1" } },
    ],
    ["every known click id", "https://x.test/?gbraid=1&wbraid=2&dclid=3&ttclid=4&twclid=5", { clickIds: { gbraid: "1", wbraid: "2", dclid: "3", ttclid: "4", twclid: "5" } }],
    ["unknown utm_ and other parameters are ignored", "https://x.test/?utm_id=9&utm_source_platform=x&ref=y&q=1", undefined],
    ["encoded values are decoded", "https://x.test/?utm_campaign=black%20friday", { name: "black friday" }],
    ["parameters after a hash are not the page's", "https://x.test/#/p?utm_source=spa", undefined],
  ])("%s", (_, url, expected) => {
    expect(campaignFromUrl(url)).toEqual(expected);
  });
});
