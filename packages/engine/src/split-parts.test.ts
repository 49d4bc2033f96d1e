// The split parts a result records (outcome.split, outcome.owed): one row per kind of command that
// splits cash, with the parts the accounts moved by, and the older result shape a replay accepts.
import { describe, expect, it } from "vitest";
import { type Result, resultToJson, withoutSplitParts } from "@zengzhi/engine";
import { scenario } from "./test-helpers.js";

const parts = (result: Result) => (result.ok ? result.split : undefined);

describe("split parts in results", () => {
  it("records what each order, till sale and settlement split, as the accounts moved", () => {
    const { engine, ok } = scenario({ refundWindowDays: 1 });
    const before = { ...engine.accounts };
    // The default split: 30% product cost, 30% distribution, 10% platform, 30% pool; 33.33 floors.
    expect(parts(ok({ type: "order", member: "a", amount: "33.33" }))).toEqual({
      productCost: 999n,
      distributionCost: 999n,
      platformProfit: 333n,
      contribution: 1002n,
    });
    const after = engine.accounts;
    expect(after.merchantSettlements - before.merchantSettlements).toBe(999n);
    expect(after.pool - before.pool).toBe(1002n);

    ok({ type: "coinImport", member: "old", coins: "100" });
    const coins = ok({ type: "order", member: "old", amount: "100", payWith: "coins" });
    expect(parts(coins)).toEqual({
      productCost: 0n,
      distributionCost: 0n,
      platformProfit: 0n,
      contribution: 3000n,
    });

    ok({ type: "prepaidCredit", merchant: "shop", amount: "100" });
    const sale = ok({ type: "tillSale", member: "b", merchant: "shop", amount: "10" });
    expect(parts(sale)).toEqual({
      productCost: 0n,
      distributionCost: 300n,
      platformProfit: 100n,
      contribution: 300n,
    });
    expect(sale.ok && sale.owed).toBe(700n);

    ok({ type: "orderPaid", order: 1, member: "c", amount: "10" });
    ok({ type: "orderPaid", order: 2, member: "d", amount: "20" });
    const close = ok({ type: "advance", days: 1 });
    expect(close.ok && close.settled?.length).toBe(2);
    expect(parts(close)).toEqual({
      productCost: 900n,
      distributionCost: 900n,
      platformProfit: 300n,
      contribution: 900n,
    });
    expect(parts(ok({ type: "advance", days: 1 }))).toBeUndefined();
  });

  it("writes the parts last in the JSON, and a replay of an older row compares without them", () => {
    const { ok } = scenario();
    const json = resultToJson(ok({ type: "order", member: "a", amount: "10" }));
    expect(JSON.stringify(json)).toBe(
      '{"ok":true,"outcome":{"position":1,"points":"2.10000000","split":{"productCost":"3.00","distributionCost":"3.00","platformProfit":"1.00","contribution":"3.00"}}}',
    );
    expect(JSON.stringify(withoutSplitParts(json))).toBe(
      '{"ok":true,"outcome":{"position":1,"points":"2.10000000"}}',
    );
    const refused = { ok: false as const, rejection: "amount_not_positive" as const, message: "m" };
    expect(withoutSplitParts(refused)).toBe(refused);
  });
});
