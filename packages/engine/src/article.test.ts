// The article's worked example (RULES.md, last section), reproduced exactly.
import { describe, expect, it } from "vitest";
import { formatDecimal, formatMoney, formatPoints, PRICE_DECIMALS } from "@zengzhi/engine";
import { scenario } from "./test-helpers.js";

const price = (e: { priceUnits(): bigint }) => formatDecimal(e.priceUnits(), PRICE_DECIMALS);

describe("the article's worked example", () => {
  it("order 1 (1000): 210 points at price 1; pool 300, supply 210, price ≈ 1.43", () => {
    const { engine, ok } = scenario();
    const r = ok({ type: "order", member: "m1", amount: "1000" });
    expect(formatPoints(r.points!)).toBe("210.00000000");
    expect(formatMoney(engine.pool)).toBe("300.00");
    expect(formatPoints(engine.supply)).toBe("210.00000000");
    expect(price(engine)).toBe("1.42857142");
    // The split: 300 product cost, 300 distribution, 100 platform profit, 300 to the pool.
    expect(engine.accounts.merchantSettlements).toBe(30000n);
    expect(engine.accounts.distribution).toBe(30000n);
    expect(engine.accounts.platformRevenue).toBe(10000n);
  });

  it("order 2 (1000): 210 value at ≈1.43 → 147 points; pool 600, supply 357, price ≈ 1.68", () => {
    const { engine, ok } = scenario();
    ok({ type: "order", member: "m1", amount: "1000" });
    const r = ok({ type: "order", member: "m2", amount: "1000" });
    expect(formatPoints(r.points!)).toBe("147.00000000");
    expect(formatMoney(engine.pool)).toBe("600.00");
    expect(formatPoints(engine.supply)).toBe("357.00000000");
    expect(price(engine)).toBe("1.68067226");
  });

  it("member 1's position force-exits when the price reaches 3000/210 ≈ 14.29", () => {
    const { engine, ok } = scenario();
    ok({ type: "order", member: "m1", amount: "1000" });
    ok({ type: "order", member: "m2", amount: "1000" });
    expect(formatDecimal(engine.exitThreshold(1)!, PRICE_DECIMALS)).toBe("14.28571429");
    // 4499.99 into the pool: the price is a hair under 3000/210, nothing exits.
    expect(ok({ type: "financing", toPool: "4499.99" }).exits).toBeUndefined();
    expect(engine.position(1)!.status).toBe("open");
    // One more fen: pool 5100, price exactly 5100/357 = 3000/210; 210 points are worth 3000 = 3 × spend.
    const r = ok({ type: "financing", toPool: "0.01" });
    expect(r.exits).toEqual([1]);
    const exited = engine.position(1)!;
    expect(exited.status).toBe("exited");
    expect(formatMoney(exited.soldGross)).toBe("3000.00");
    // Sold as rule 2 with the fee: 600 stays, 2400 to the wallet.
    expect(formatMoney(engine.member("m1")!.wallet)).toBe("2400.00");
    expect(formatMoney(engine.pool)).toBe("2700.00");
    expect(formatPoints(engine.supply)).toBe("147.00000000");
    expect(engine.position(2)!.status).toBe("open");
  });

  it("selling 210 points at 9.52 (gross 2000): fee 400 stays, member gets 1600, and the price rises", () => {
    const { engine, ok } = scenario();
    ok({ type: "order", member: "m1", amount: "1000" });
    ok({ type: "order", member: "m2", amount: "1000" });
    ok({ type: "financing", toPool: "2800" }); // pool 3400 / 357 = 2000 / 210 ≈ 9.52
    expect(price(engine)).toBe("9.52380952");
    const r = ok({ type: "sell", member: "m1", position: 1, points: "210" });
    expect(formatMoney(r.fee!)).toBe("400.00");
    expect(formatMoney(r.net!)).toBe("1600.00");
    expect(formatMoney(engine.member("m1")!.wallet)).toBe("1600.00");
    expect(formatMoney(engine.pool)).toBe("1800.00");
    expect(formatPoints(engine.supply)).toBe("147.00000000");
    expect(price(engine)).toBe("12.24489795");
    expect(engine.position(1)!.status).toBe("closed");
  });
});
