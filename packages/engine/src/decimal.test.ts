import { describe, expect, it } from "vitest";
import { DecimalError, floorDiv, ceilDiv, formatDecimal, parseDecimal } from "@zengzhi/engine";

describe("fixed-point decimals", () => {
  it("parses and formats exactly", () => {
    expect(parseDecimal("12.5", 2)).toBe(1250n);
    expect(parseDecimal("0.01", 2)).toBe(1n);
    expect(parseDecimal("-3", 2)).toBe(-300n);
    expect(parseDecimal("1.2300", 2)).toBe(123n);
    expect(formatDecimal(1250n, 2)).toBe("12.50");
    expect(formatDecimal(-5n, 2)).toBe("-0.05");
    expect(formatDecimal(7n, 8)).toBe("0.00000007");
    expect(formatDecimal(123456789012345678901234567890n, 8)).toBe("1234567890123456789012.34567890");
  });

  it.each([
    ...["", "1.", ".5", "1e3", "0x10", "1,5", " 1", "NaN", "+1", "１２", "1\n", "1\t"],
    // Issue #11: one rule for money input, no blank of any kind around or inside the number.
    ...["\u00a01", "1\u3000", "\ufeff1", "1\u2003", "\n1", "1 ", "1 .5", "1\u200b"],
  ])("refuses %j", (text) => {
    expect(() => parseDecimal(text, 2)).toThrow(DecimalError);
  });

  it("refuses more decimals than the unit has", () => {
    try {
      parseDecimal("1.001", 2);
      throw new Error("unreachable");
    } catch (error) {
      expect((error as DecimalError).code).toBe("too_precise");
    }
  });

  it("rounds division the stated way", () => {
    expect(floorDiv(-7n, 2n)).toBe(-4n);
    expect(floorDiv(7n, 2n)).toBe(3n);
    expect(ceilDiv(7n, 2n)).toBe(4n);
    expect(ceilDiv(8n, 2n)).toBe(4n);
  });
});
