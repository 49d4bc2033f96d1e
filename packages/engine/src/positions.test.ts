// The position columns: soldGross lives in a 64-bit column, and the rare value beyond it in a Map,
// read and copied (for a fork) like the rest.
import { describe, expect, it } from "vitest";
import { PositionTable } from "./positions.js";

describe("PositionTable soldGross", () => {
  it("keeps values beyond 64 bits exactly, and a copy keeps its own", () => {
    const table = new PositionTable();
    for (let n = 0; n < 3000; n++) table.add(0, 100n, 5n, 0n, 0, 0);
    const huge = 2n ** 70n + 3n;
    table.setSoldGross(1, 250n);
    table.setSoldGross(2999, huge);
    expect(table.soldGrossOf(0)).toBe(0n);
    expect(table.soldGrossOf(1)).toBe(250n);
    expect(table.soldGrossOf(2999)).toBe(huge);
    const copy = table.copy();
    copy.setSoldGross(2999, 7n);
    copy.setSoldGross(1, huge + 1n);
    expect(copy.soldGrossOf(2999)).toBe(7n);
    expect(copy.soldGrossOf(1)).toBe(huge + 1n);
    expect(table.soldGrossOf(2999)).toBe(huge);
    expect(table.soldGrossOf(1)).toBe(250n);
    // neverSold reads the column's words: 0 only where nothing was ever fetched.
    expect(table.neverSold(0)).toBe(true);
    expect(table.neverSold(1)).toBe(false);
    expect(table.neverSold(2999)).toBe(false);
    expect(copy.neverSold(1)).toBe(false);
    table.setSoldGross(5, 2n ** 32n);
    expect(table.neverSold(5)).toBe(false);
  });
});
