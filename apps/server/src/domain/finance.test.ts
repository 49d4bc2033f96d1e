/** The coin CSV reader reads member,coins rows and reports every bad row. */
import { describe, expect, it } from "vitest";
import { parseCoinCsv } from "./finance.js";

describe("coin CSV", () => {
  it("reads member,coins rows, skips the header and blank lines, and reports every bad row", () => {
    const known = (id: string) => ["alice", "bob"].includes(id);
    expect(parseCoinCsv("member,coins\nalice,1.50\n\nbob, 2\n", known)).toEqual({
      rows: [
        { member: "alice", coins: 150n },
        { member: "bob", coins: 200n },
      ],
      errors: [],
    });
    const { errors } = parseCoinCsv("alice\nalice,abc\nbob,0\ncarol,1", known);
    expect(errors.map((e) => [e.row, e.field, e.code])).toEqual([
      [1, "line", "invalid_field"],
      [2, "coins", "not_a_decimal"],
      [3, "coins", "out_of_range"],
      [4, "member", "unknown_member"],
    ]);
    expect(parseCoinCsv("", known).errors[0]!.code).toBe("invalid_field");
  });
});
