/** The coin CSV reader reads member,coins lines and reports every line it cannot read. */
import { describe, expect, it } from "vitest";
import { parseCoinCsv } from "./finance.js";

describe("coin CSV", () => {
  it("reads member,coins lines, skips the header and blank lines, and reports every bad line", () => {
    expect(parseCoinCsv("member,coins\nalice,1.50\n\nbob,2\n")).toEqual({
      lines: [
        { line: 2, member: "alice", coins: 150n },
        { line: 4, member: "bob", coins: 200n },
      ],
      errors: [],
    });
    const { lines, errors } = parseCoinCsv("alice\nalice,abc\nbob,0\ncarol,1");
    expect(errors.map((e) => [e.row, e.field, e.code])).toEqual([
      [1, "line", "invalid_field"],
      [2, "coins", "not_a_decimal"],
      [3, "coins", "out_of_range"],
    ]);
    // Whether carol exists is the engine's question: the reader keeps her line.
    expect(lines.map((l) => [l.line, l.member, l.coins])).toEqual([
      [2, "alice", undefined],
      [3, "bob", undefined],
      [4, "carol", 100n],
    ]);
    expect(parseCoinCsv("").errors[0]!.code).toBe("invalid_field");
    // The one rule for money input (docs/SECURITY.md): no blank of any kind around the amount.
    const padded = parseCoinCsv(
      "alice, 2\nbob,2\u00a0\ncarol,\u30002\ndave,\ufeff2\nerin,2\u2003\nfrank,\t2",
    );
    expect(padded.errors.map((e) => [e.row, e.field, e.code])).toEqual(
      [1, 2, 3, 4, 5, 6].map((row) => [row, "coins", "not_a_decimal"]),
    );
  });
});
