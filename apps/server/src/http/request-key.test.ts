/** Ledger keys stay within the ledger's length limit and name a bad Idempotency-Key header. */
import type { FastifyRequest } from "fastify";
import { describe, expect, it } from "vitest";
import { ApiError } from "../domain/errors.js";
import { ledgerKey } from "./request-key.js";

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
