import { describe, expect, it } from "vitest";
import { shareOpens, shareTokenOf } from "./share";

describe("shared links in the dashboard", () => {
  it("reads the token from a share URL's fragment only", () => {
    expect(shareTokenOf("#share=psh_abc-_9")).toBe("psh_abc-_9");
    expect(shareTokenOf("#/overview?share=psh_abc")).toBeNull();
    expect(shareTokenOf("#share=psh_a<b")).toBeNull();
    expect(shareTokenOf("")).toBeNull();
  });

  it("opens the link's views, timelines only with a people list, never settings", () => {
    expect(shareOpens(["overview"], "overview")).toBe(true);
    expect(shareOpens(["overview"], "funnel")).toBe(false);
    expect(shareOpens(["overview"], "settings")).toBe(false);
    expect(shareOpens(["overview"], "timeline")).toBe(false);
    expect(shareOpens(["stalled"], "timeline")).toBe(true);
    expect(shareOpens(["value"], "timeline")).toBe(true);
  });
});
