import { describe, expect, it } from "vitest";
import { linkEvent } from "./links";

describe("linkEvent", () => {
  it.each([
    ["https://other.example/x", true, true, "outbound_link"],
    ["https://other.example/x", false, true, undefined],
    ["https://shop.example/about", true, true, undefined],
    ["https://shop.example/files/price-list.PDF", true, true, "file_download"],
    ["https://cdn.example/app.dmg", true, true, "file_download"], // a download wins over outbound
    ["https://cdn.example/app.dmg", true, false, "outbound_link"],
    ["https://shop.example/report.csv?v=2", false, true, "file_download"],
    ["mailto:sales@shop.example", true, true, undefined],
    ["tel:+33123456789", true, true, undefined],
    ["http://shop.example:8080/", true, false, "outbound_link"], // another port is another origin
  ])("%s (outbound=%s downloads=%s) -> %s", (href, outbound, downloads, event) => {
    expect(linkEvent(href, "shop.example", outbound, downloads)).toBe(event);
  });
});
