import { describe, expect, it } from "vitest";
import { DEFAULT_SHARE_VIEWS } from "../query/api";
import { parseShareInput } from "./share-input";

const NOW = 1_800_000_000_000;

describe("parseShareInput", () => {
  it("takes no body as the default views without expiry", () => {
    expect(parseShareInput(null, NOW)).toEqual({ ok: true, value: { views: [...DEFAULT_SHARE_VIEWS], expiresAt: null } });
  });

  it("keeps the named views once each and a future expiry", () => {
    expect(parseShareInput({ views: ["funnel", "live", "funnel"], expiresAt: NOW + 1 }, NOW))
      .toEqual({ ok: true, value: { views: ["funnel", "live"], expiresAt: NOW + 1 } });
  });

  it.each([
    [[], "body"],
    [{ views: [] }, "views"],
    [{ views: "overview" }, "views"],
    [{ views: ["overview", "settings"] }, "views[1]"],
    [{ views: ["timeline"] }, "views[0]"],
    [{ expiresAt: NOW }, "expiresAt"],
    [{ expiresAt: NOW - 1 }, "expiresAt"],
    [{ expiresAt: "tomorrow" }, "expiresAt"],
    [{ expiresAt: NOW + 0.5 }, "expiresAt"],
  ])("refuses %j naming %s", (body, field) => {
    const r = parseShareInput(body, NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.field).toBe(field);
  });
});
