// The hand-checked path for plain orders must answer exactly what the schema answers.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { commandJsonSchema, parseCommand, plainOrderJson } from "./commands.js";
import { DECIMAL_LENGTH_MAX, ID_LENGTH_MAX } from "./limits.js";

/** Values near every edge the schema checks: lengths, types, missing and extra fields. */
const edgeString = fc.oneof(
  fc.constantFrom("", "a", "x".repeat(ID_LENGTH_MAX), "x".repeat(ID_LENGTH_MAX + 1)),
  fc.constantFrom("12.50", "0", "-1", "1e3", "12.505", "1".repeat(DECIMAL_LENGTH_MAX + 1)),
  fc.string({ maxLength: 8 }),
);
const edgeValue = fc.oneof(edgeString, fc.constantFrom(undefined, null, 0, 12.5, true), fc.object());
const orderLike = fc.record(
  {
    type: fc.oneof(fc.constant("order"), fc.constantFrom("sell", "Order", 1)),
    member: edgeValue,
    amount: edgeValue,
    merchant: edgeValue,
    split: fc.constant({}),
    extra: edgeValue,
  },
  { requiredKeys: [] },
);

describe("plainOrderJson (the schema-free path for plain orders)", () => {
  it("accepts only what the schema accepts, with the same data", () => {
    fc.assert(
      fc.property(fc.oneof(orderLike, fc.anything()), (raw) => {
        const fast = plainOrderJson(raw);
        if (fast === undefined) return;
        const parsed = commandJsonSchema.safeParse(raw);
        expect(parsed.success).toBe(true);
        expect(fast).toStrictEqual(parsed.data);
      }),
      { numRuns: 20_000 },
    );
  });

  it("takes the plain orders the service sends, and parseCommand gives the same command either way", () => {
    const plain = { type: "order", member: "alice", amount: "12.50", merchant: "teahouse" };
    expect(plainOrderJson(plain)).toStrictEqual(plain);
    expect(parseCommand(plain)).toStrictEqual({
      type: "order",
      member: "alice",
      amount: 1250n,
      merchant: "teahouse",
    });
    // Not plain: a class instance, an unknown field, a split: left to the schema.
    expect(plainOrderJson(Object.assign(Object.create({ inherited: 1 }), plain))).toBeUndefined();
    expect(plainOrderJson({ ...plain, note: "x" })).toBeUndefined();
    expect(() => parseCommand({ ...plain, note: "x" })).toThrow(/note: unknown field/);
    expect(() => parseCommand({ ...plain, amount: "12.505" })).toThrow(/amount/);
  });
});
