import { describe, expect, it } from "vitest";
import { shareAllows } from "./share-scope";

describe("shareAllows", () => {
  it.each([
    // [views, method, path, allowed]
    [["overview"], "GET", "overview", true],
    [["overview"], "GET", "timeseries", true],
    [["overview"], "GET", "channels", true],
    [["overview"], "GET", "attribution", false],
    [["overview"], "POST", "overview", false],
    [["overview"], "POST", "segments", false],
    [["overview"], "DELETE", "segments/s1", false],
    [["overview"], "GET", "segments/value", false],
    [["value"], "GET", "segments/value", true],
    [["stalled"], "GET", "people/p1/timeline", true],
    [["overview"], "GET", "people/p1/timeline", false],
    [["stalled"], "GET", "people//timeline", false],
    [["stalled"], "GET", "people/p1/timeline/extra", false],
    [["funnel", "paths"], "GET", "paths", true],
    [["funnel"], "GET", "events", false],
    [["live"], "GET", "events", true],
    [[], "GET", "overview", false],
    [["overview"], "GET", "overview/", true],
  ] as const)("%j %s %s -> %s", (views, method, path, allowed) => {
    expect(shareAllows(views, method, path)).toBe(allowed);
  });
});
