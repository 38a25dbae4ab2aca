import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "./csv";

describe("csv", () => {
  it.each<[string | number | null, string]>([
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["=HYPERLINK(1)", "'=HYPERLINK(1)"],
    [-3, "-3"],
    [null, ""],
  ])("cell %j -> %s", (value, expected) => expect(csvCell(value)).toBe(expected));

  it("joins rows with CRLF", () => expect(toCsv(["a", "b"], [[1, "x"]])).toBe("a,b\r\n1,x\r\n"));
});
