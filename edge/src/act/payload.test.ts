import { describe, expect, it } from "vitest";
import { bodyFor, jsonBody, slackText, type Occurrence } from "./payload";

const at = Date.parse("2026-11-30T08:00:00Z");
const occ = (type: Occurrence["type"], data: Record<string, unknown>): Occurrence => ({ type, id: "msg_1", site: "shop", createdAt: at, data });

describe("delivery bodies", () => {
  it("JSON has API.md's envelope", () => {
    expect(JSON.parse(jsonBody(occ("alert", { value: 3 })))).toEqual({ type: "alert", id: "msg_1", site: "shop", createdAt: "2026-11-30T08:00:00.000Z", data: { value: 3 } });
  });

  it("Slack gets one readable text with the stalled row's facts", () => {
    const body = JSON.parse(bodyFor(occ("journey.stalled", {
      personId: "p1", userIds: ["ada"], startedAt: "2026-11-25T09:00:00.000Z",
      lastTouchpoint: { timestamp: "2026-11-25T09:00:00.000Z", channel: "phone", event: "quote_requested" },
      contactChannel: "phone", stage: "consideration", nextBestTouchpoint: "email",
      rule: { name: "Quotes", started: "quote_requested", expected: "purchase", after: "3d" },
    }), "slack"));
    expect(Object.keys(body)).toEqual(["text"]);
    for (const fact of ["ada", "quote_requested", "purchase", "3d", "Contact: phone", "consideration", "Next best touchpoint: email", "2026-11-25 09:00"]) {
      expect(body.text).toContain(fact);
    }
  });

  it("escapes what senders named, so a name cannot mention @channel or make a link", () => {
    const text = slackText(occ("conversion", { event: "<!channel>", userIds: ["<https://evil.example|click>"], model: "linear", credits: { "a&b": 1 } }));
    expect(text).not.toContain("<!channel>");
    expect(text).not.toContain("<https://");
    expect(text).toContain("&lt;!channel&gt;");
    expect(text).toContain("a&amp;b 100%");
  });

  it("words every type", () => {
    expect(slackText(occ("person.at_risk", { personId: "p", score: 0.91, threshold: 0.7, factors: [{ feature: "quiet 14d" }] }))).toContain("0.91");
    expect(slackText(occ("alert", { rule: { name: "busy" }, metric: "events", value: 3, previous: 1, changePct: 200, period: "day", from: "2026-11-29T00:00:00.000Z", reason: "above 2" })))
      .toMatch(/busy.*events.*3.*\+200\.0%.*above 2/);
    expect(slackText(occ("digest", { from: "2026-11-23T00:00:00.000Z", metrics: [{ name: "conversions", value: 2, previous: 1, changePct: 100 }], model: "linear", topMovingChannels: [{ channel: "email", change: 2 }], newStalled: 4 })))
      .toMatch(/conversions: 2 \(\+100\.0% vs 1\)[\s\S]*email \+2[\s\S]*new stalled people: 4/);
    expect(slackText(occ("webhook.test", {}))).toContain("shop");
  });
});
