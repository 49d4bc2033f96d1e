// Locale formatting of the API's exact decimal strings, and the CSV export.
import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "../src/lib/csv.js";
import {
  compareDecimal,
  formatDate,
  formatDateTime,
  formatMoney,
  formatPoints,
  formatPrice,
  formatRatio,
  formatTime,
  shiftDecimal,
} from "../src/lib/format.js";

describe("formatMoney", () => {
  it("formats exactly, beyond the precision of a float", () => {
    // 2^53 + 1 yuan and a cent: a float would round it.
    expect(formatMoney("9007199254740993.01", "zh-CN")).toBe("¥9,007,199,254,740,993.01");
    expect(formatMoney("0.1", "zh-CN")).toBe("¥0.10");
    expect(formatMoney("1234.5", "en")).toBe("CN¥1,234.50");
  });

  it("shows a dash for anything that is not a decimal string", () => {
    expect(formatMoney(null, "zh-CN")).toBe("—");
    expect(formatMoney("1e3", "zh-CN")).toBe("—");
    expect(formatMoney("abc", "en")).toBe("—");
  });
});

describe("formatPoints and formatPrice", () => {
  it("keeps up to 8 decimals and truncates (never rounds up) when asked for fewer", () => {
    expect(formatPoints("210.00000000", "en")).toBe("210.00");
    expect(formatPoints("147.12345678", "en")).toBe("147.12345678");
    expect(formatPoints("0.99999999", "en", 2)).toBe("0.99");
  });

  it("prints prices with 4 to 8 decimals", () => {
    expect(formatPrice("1.42857142", "zh-CN")).toBe("¥1.4285");
    expect(formatPrice("1.42857142", "zh-CN", 8)).toBe("¥1.42857142");
    expect(formatPrice("1.99999999", "zh-CN")).toBe("¥1.9999");
    expect(formatPrice("1.00000000", "zh-CN")).toBe("¥1.0000");
  });
});

describe("ratios", () => {
  it.each([
    ["0.3", 2, "30"],
    ["0.001", 2, "0.1"],
    ["0.125", 2, "12.5"],
    ["1", 2, "100"],
    ["-0.05", 2, "-5"],
    ["0.000000001", 2, "0.0000001"],
  ])("shifts %s by %i places to %s", (text, places, expected) => {
    expect(shiftDecimal(text, places)).toBe(expected);
  });

  it("formats percentages", () => {
    expect(formatRatio("0.2", "zh-CN")).toBe("20%");
    expect(formatRatio("0.001", "en")).toBe("0.1%");
  });

  it("compares decimal strings exactly", () => {
    expect(compareDecimal("0.30", "0.3")).toBe(0);
    expect(compareDecimal("10.01", "10.1")).toBe(-1);
    expect(compareDecimal("9007199254740993", "9007199254740992")).toBe(1);
  });
});

describe("CSV", () => {
  it("quotes separators, quotes and line breaks, and defuses formulas", () => {
    expect(csvCell('Tea, "green"')).toBe('"Tea, ""green"""');
    expect(csvCell("a\nb")).toBe('"a\nb"');
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("-12.50")).toBe("-12.50");
    expect(csvCell(null)).toBe("");
  });

  it("writes raw values with a header row", () => {
    const rows = [
      { id: 1, amount: "12.50" },
      { id: 2, amount: "0.01" },
    ];
    expect(toCsv([{ key: "id" }, { key: "amount" }], rows)).toBe("id,amount\r\n1,12.50\r\n2,0.01\r\n");
  });
});

describe("dates and times in the tenant's zone", () => {
  it("shows an instant in the tenant's zone, whatever zone the browser runs in", () => {
    // 16:00:05 UTC is five past midnight of the next day in Shanghai and 11:00 in New York.
    const at = "2026-12-03T16:05:00Z";
    expect(formatDateTime(at, "zh-CN", "Asia/Shanghai")).toBe("2026/12/04 00:05");
    expect(formatDateTime("2026-12-04T00:05:00+08:00", "zh-CN", "Asia/Shanghai")).toBe("2026/12/04 00:05");
    expect(formatDateTime(at, "zh-CN", "America/New_York")).toBe("2026/12/03 11:05");
    expect(formatTime(at, "zh-CN", "Asia/Shanghai")).toBe("00:05");
    expect(formatDateTime("not a time", "zh-CN", "Asia/Shanghai")).toBe("—");
  });

  it("shows a calendar date as the date it is, never shifted by a zone", () => {
    expect(formatDate("2026-12-04", "zh-CN")).toBe("2026/12/04");
    expect(formatDate("2026-12-04", "en")).toBe("12/04/2026");
    expect(formatDate("4 Dec", "zh-CN")).toBe("—");
  });
});
