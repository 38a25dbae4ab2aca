import { describe, expect, it } from "vitest";
import { leastLoaded, type Load } from "./placement";

const load = (name: Load["name"], bytes: number, sites: number): Load => ({ name, bytes, sites });

describe("leastLoaded", () => {
  it.each<[string, Load[], string]>([
    ["the smallest database in bytes", [load("DB", 9e9, 1), load("SITE_DB_1", 2e9, 40), load("SITE_DB_2", 5e9, 3)], "SITE_DB_1"],
    ["on equal bytes, the one holding fewer sites", [load("DB", 1e6, 5), load("SITE_DB_1", 1e6, 2)], "SITE_DB_1"],
    ["on a full tie, the first bound (DB)", [load("DB", 1e6, 0), load("SITE_DB_1", 1e6, 0)], "DB"],
    ["a single database", [load("DB", 123, 9)], "DB"],
  ])("%s", (_, loads, expected) => {
    expect(leastLoaded(loads)).toBe(expected);
  });

  it("refuses when nothing is bound", () => {
    expect(() => leastLoaded([])).toThrow(/no site database/);
  });
});
