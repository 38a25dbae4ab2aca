import { describe, expect, it } from "vitest";
import { parseSpendCsv, parseSpendRow } from "./costs";

describe("parseSpendRow", () => {
  const ok = { day: "2026-03-01", channel: "Email", campaign: "spring", amount: 12.5 };
  it("keeps a valid row, lower-cases the channel and reads an amount given as text", () => {
    expect(parseSpendRow(ok, "rows[0]")).toEqual({ row: { ...ok, channel: "email" } });
    expect(parseSpendRow({ ...ok, amount: " 7 " }, "rows[0]")).toEqual({ row: { ...ok, channel: "email", amount: 7 } });
  });
  it("files a row without a campaign under the empty campaign", () => {
    expect(parseSpendRow({ day: ok.day, channel: "ads", amount: 1 }, "r")).toEqual({ row: { day: ok.day, channel: "ads", campaign: "", amount: 1 } });
  });
  const refused: [string, unknown, string][] = [
    ["not an object", [1], "rows[0]"],
    ["a day that is not YYYY-MM-DD", { ...ok, day: "01/03/2026" }, "rows[0].day"],
    ["a month that does not exist", { ...ok, day: "2026-13-01" }, "rows[0].day"],
    ["a day past the month's end", { ...ok, day: "2026-02-30" }, "rows[0].day"],
    ["a channel with spaces", { ...ok, channel: "paid search" }, "rows[0].channel"],
    ["a campaign that is not text", { ...ok, campaign: 3 }, "rows[0].campaign"],
    ["a negative amount", { ...ok, amount: -1 }, "rows[0].amount"],
    ["an amount that is not a number", { ...ok, amount: "12 EUR" }, "rows[0].amount"],
    ["an empty amount", { ...ok, amount: "" }, "rows[0].amount"],
    ["an infinite amount", { ...ok, amount: "Infinity" }, "rows[0].amount"],
  ];
  it.each(refused)("refuses %s, naming the field", (_name, raw, field) => {
    const r = parseSpendRow(raw, "rows[0]");
    expect("error" in r && r.error).toMatchObject({ code: "invalid_field", field });
  });
});

describe("parseSpendCsv", () => {
  it("reads a header line, quoted cells with commas and doubled quotes, CRLF and blank lines", () => {
    const csv = 'day,channel,campaign,amount\r\n2026-03-01,email,"spring, ""early""",100\r\n\r\n2026-03-02,ads,,25.5\r\n';
    expect(parseSpendCsv(csv)).toEqual({ rows: [
      { day: "2026-03-01", channel: "email", campaign: 'spring, "early"', amount: 100 },
      { day: "2026-03-02", channel: "ads", campaign: "", amount: 25.5 },
    ] });
  });
  it("takes the columns in the header's order, and no campaign column at all", () => {
    expect(parseSpendCsv("Amount,Day,Channel\n3,2026-03-01,phone\n")).toEqual({ rows: [{ day: "2026-03-01", channel: "phone", campaign: "", amount: 3 }] });
  });
  it("refuses a header without an amount column", () => {
    expect(parseSpendCsv("day,channel,cost\n2026-03-01,email,1\n")).toEqual({ error: expect.objectContaining({ field: "csv" }) });
  });
  it("names the line and column of a bad cell", () => {
    expect(parseSpendCsv("day,channel,amount\n2026-03-01,email,1\n2026-03-02,email,x\n")).toEqual({ error: expect.objectContaining({ field: "line 3.amount" }) });
  });
});
