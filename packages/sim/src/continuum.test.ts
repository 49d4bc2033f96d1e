// With orders only, the price follows pool^(1 − issueRatio) in the continuum limit:
// dp/p = (1 − issueRatio)·dP/P. The engine's discrete path (through the simulator) must stay within a
// stated tolerance of that curve when each order is small against the pool.
//
// Tolerance: one order of pool contribution c at pool P multiplies the price by (1 + x)/(1 + r·x),
// x = c/P, where the curve says (1 + x)^(1 − r); the log error is about −r(1 − r)x²/2 per order, and
// summed over all orders after the reference point it is at most r(1 − r)/2 · c/P₀. With c = 30 yuan
// and P₀ ≥ 3,000 yuan (100 orders on day 0) that is under 0.11%; we allow 0.2%.
import { parseScenario, simulate } from "@zengzhi/sim";
import { describe, expect, it } from "vitest";

const TOLERANCE = 0.002;

function ordersOnly(issueRatio: string, spend: object) {
  return parseScenario({
    name: "orders only",
    rules: { issueRatio, exitMultiple: "10" },
    horizonDays: 200,
    demand: { newMembers: { curve: "constant", perDay: 100 }, spend },
  });
}

describe("price path with orders only against the continuum curve", () => {
  for (const issueRatio of ["0.6", "0.7", "0.9"]) {
    it(`issueRatio ${issueRatio}: price / p₀ = (pool / pool₀)^(1 − issueRatio) within ${TOLERANCE * 100}%`, () => {
      const r = Number(issueRatio);
      const { result } = simulate(ordersOnly(issueRatio, { distribution: "fixed", amount: "100" }), 5);
      expect(result.counters).toMatchObject({ orders: 20_000, sells: 0 });
      const { price, pool, exits } = result.series;
      // Forced exits sell points (with the fee kept in the pool), so the curve is compared up to the
      // first day with an exit; at issueRatio 0.6 the earliest positions reach 10× within the horizon.
      let end = exits.findIndex((n) => n > 0);
      if (end === -1) end = price.length;
      expect(end).toBeGreaterThan(50);
      let worst = 0;
      for (let day = 1; day < end; day++) {
        const curve = price[0]! * Math.pow(pool[day]! / pool[0]!, 1 - r);
        worst = Math.max(worst, Math.abs(price[day]! / curve - 1));
      }
      expect(worst).toBeLessThan(TOLERANCE);
      // The check is not vacuous: the pool grew 200-fold and the price with it.
      expect(pool[end - 1]! / pool[0]!).toBeGreaterThan(end * 0.75);
      expect(price[end - 1]! / price[0]!).toBeGreaterThan(Math.pow(end * 0.75, 1 - r));
      expect(result.invariants).toEqual([]);
    });
  }

  it("holds for mixed order sizes too (lognormal spend, each order still small against the pool)", () => {
    const spend = { distribution: "lognormal", median: "100", sigma: 0.5, min: "10", max: "400" };
    const { result } = simulate(ordersOnly("0.7", spend), 9);
    const { price, pool } = result.series;
    for (let day = 1; day < price.length; day++) {
      const curve = price[0]! * Math.pow(pool[day]! / pool[0]!, 0.3);
      expect(Math.abs(price[day]! / curve - 1)).toBeLessThan(TOLERANCE);
    }
  });

  it("is broken by sells, whose fee stays in the pool (the check can fail)", () => {
    const scenario = parseScenario({
      rules: { exitMultiple: "10" },
      horizonDays: 200,
      demand: {
        newMembers: { curve: "constant", perDay: 100 },
        spend: { distribution: "fixed", amount: "100" },
      },
      behaviour: { sellShareDaily: { share: 0.5, rate: 0.05 } },
    });
    const { result } = simulate(scenario, 5);
    const { price, pool } = result.series;
    const last = price.length - 1;
    const curve = price[0]! * Math.pow(pool[last]! / pool[0]!, 0.3);
    expect(Math.abs(price[last]! / curve - 1)).toBeGreaterThan(TOLERANCE);
  });
});
