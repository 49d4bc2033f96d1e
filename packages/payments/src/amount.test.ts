// Fen ↔ yuan at the boundaries: the providers' wire formats never go through a float.
import { describe, expect, it } from "vitest";
import { fenOfWire, fenOfYuan, wireFen, yuanOf } from "./amount.js";

describe("amounts", () => {
  it.each([
    [0n, "0.00"],
    [1n, "0.01"],
    [10n, "0.10"],
    [12345n, "123.45"],
    [10000000000n, "100000000.00"],
  ])("%s fen is %s yuan and back", (fen, yuan) => {
    expect(yuanOf(fen)).toBe(yuan);
    expect(fenOfYuan(yuan)).toBe(fen);
  });

  it("reads one decimal place, refuses what is not a plain amount", () => {
    expect(fenOfYuan("0.1")).toBe(10n);
    expect(fenOfYuan("5")).toBe(500n);
    for (const bad of ["", "-1.00", "1.001", "01.00", "1e3", " 1.00", "1,00"])
      expect(fenOfYuan(bad)).toBeUndefined();
    expect(() => yuanOf(-1n)).toThrow(RangeError);
  });

  it("WeChat integers: safe integers only", () => {
    expect(wireFen(9007199254740991n)).toBe(9007199254740991);
    expect(() => wireFen(9007199254740992n)).toThrow(RangeError);
    expect(fenOfWire(1.5)).toBeUndefined();
    expect(fenOfWire("100")).toBeUndefined();
    expect(fenOfWire(-1)).toBeUndefined();
    expect(fenOfWire(100)).toBe(100n);
  });
});
