import { describe, expect, it } from "vitest";
import { historyRow } from "./history";
import type { EnrichedEvent } from "./payload";

const event: EnrichedEvent = {
  messageId: "pl-1", type: "track", event: "engagement", userId: null, anonymousId: "c-1", previousId: null, ts: Date.UTC(2026, 10, 29),
  receivedAt: Date.UTC(2026, 10, 29), channel: "direct", channelExplicit: false, source: null, medium: null, campaign: null,
  campaignKey: null, stage: null, isConversion: false, revenue: null, path: "/guide", country: null, region: null, device: "desktop",
  browser: null, os: null, properties: { plan: "pro" }, context: null,
};

describe("historyRow", () => {
  it("writes a page's engagement report as its own type, its figures as properties", () => {
    const row = historyRow("s", { ...event, engagement: { scrollDepth: 80, engagedMs: 6000 } });
    expect(row).toMatchObject({ type: "engagement", event: null, path: "/guide", properties: "{\"scrollDepth\":80,\"engagedMs\":6000}" });
  });

  it("writes a track call as it came", () => {
    expect(historyRow("s", event)).toMatchObject({ type: "track", event: "engagement", properties: "{\"plan\":\"pro\"}" });
  });
});
