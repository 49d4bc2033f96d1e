/**
 * Small pieces of the service checked on their own: ledger keys stay within the ledger's length
 * limit, passwords hash and verify with scrypt, the login limiter counts per user and per address,
 * and the CSV reader reports every bad row.
 */
import type { FastifyRequest } from "fastify";
import { describe, expect, it } from "vitest";
import { LoginLimiter, hashPassword, verifyPassword } from "../src/domain/auth.js";
import { ApiError } from "../src/domain/errors.js";
import { parseCoinCsv } from "../src/domain/finance.js";
import { ledgerKey } from "../src/http/request-key.js";

const request = (key: string) => ({ headers: { "idempotency-key": key } }) as unknown as FastifyRequest;
const session = { id: "0b7f6f4e-2f5e-4c55-9b1c-4f0e8b0c1a2b" } as Parameters<typeof ledgerKey>[1];

describe("ledger keys", () => {
  it("namespaces by scope and user, and hashes keys that would pass 200 characters", () => {
    expect(ledgerKey(request("abc"), session, "sales")).toBe(`sales|${session!.id}|abc`);
    expect(ledgerKey(request("abc"), null, "sales")).toBe("sales|-|abc");
    const long = ledgerKey(request("k".repeat(128)), session, "s".repeat(80));
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long).toBe(ledgerKey(request("k".repeat(128)), session, "s".repeat(80)));
    expect(long).not.toBe(ledgerKey(request("k".repeat(127) + "j"), session, "s".repeat(80)));
  });

  it("refuses a missing or unprintable Idempotency-Key naming the header", () => {
    expect(() => ledgerKey(request(""), session, "x")).toThrow(ApiError);
    try {
      ledgerKey(request("has space"), session, "x");
    } catch (error) {
      expect((error as ApiError).field).toBe("Idempotency-Key");
    }
  });
});

describe("passwords", () => {
  it("hash with scrypt and a salt; verify only the right password", async () => {
    const a = await hashPassword("correct horse");
    const b = await hashPassword("correct horse");
    expect(a).toMatch(/^scrypt\$16384\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse", a)).toBe(true);
    expect(await verifyPassword("correct horsf", a)).toBe(false);
    expect(await verifyPassword("anything", "md5$nope")).toBe(false);
  });
});

describe("login limiter", () => {
  it("blocks a user after 5 failures in the window and an address after 30 attempts a minute", () => {
    const limiter = new LoginLimiter();
    for (let i = 0; i < 5; i++) {
      limiter.check("1.1.1.1", "demo/u", 1000 + i);
      limiter.fail("demo/u", 1000 + i);
    }
    expect(() => limiter.check("2.2.2.2", "demo/u", 2000)).toThrow(/too many/);
    expect(() => limiter.check("2.2.2.2", "demo/u", 1000 + 10 * 60 * 1000 + 10)).not.toThrow();
    const byAddress = new LoginLimiter();
    for (let i = 0; i < 30; i++) byAddress.check("3.3.3.3", `demo/u${i}`, 5000);
    expect(() => byAddress.check("3.3.3.3", "demo/other", 5000)).toThrow(/too many/);
    expect(() => byAddress.check("3.3.3.3", "demo/other", 5000 + 60_001)).not.toThrow();
  });
});

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
