// The article's worked example (RULES.md, last section), run through the simulator's own scenario
// file: two members order 1,000 yuan each on day 0 under the default rules.
import { readFileSync } from "node:fs";
import { PRICE_DECIMALS, formatDecimal, formatPoints } from "@zengzhi/engine";
import { parseScenario, simulate } from "@zengzhi/sim";
import { describe, expect, it } from "vitest";

const raw = JSON.parse(
  readFileSync(new URL("../../../scenarios/article.json", import.meta.url), "utf8"),
) as unknown;

describe("the article's example through the simulator", () => {
  const { result, engine } = simulate(parseScenario(raw), 1);

  it("issues 210 then 147 points and ends with pool 600, supply 357, price ≈ 1.68", () => {
    expect(formatPoints(engine.position(1)!.points)).toBe("210.00000000");
    expect(formatPoints(engine.position(2)!.points)).toBe("147.00000000");
    expect(result.final).toEqual({ day: 0, price: "1.68067226", pool: "600.00", supply: "357.00000000" });
    expect(result.series.price[0]).toBeCloseTo(600 / 357, 7);
  });

  it("puts member 1's forced exit at 3000 / 210 ≈ 14.29 per point", () => {
    expect(formatDecimal(engine.exitThreshold(1)!, PRICE_DECIMALS)).toBe("14.28571429");
  });

  it("splits the 2,000 yuan 30/30/10/30 and keeps the 600 in the pool", () => {
    expect(result.money).toMatchObject({
      paidByMembers: "2000.00",
      toMerchants: "600.00",
      toDistribution: "600.00",
      toPlatform: "200.00",
      toPool: "600.00",
      backToMembers: "0.00",
      stillInPool: "600.00",
    });
    expect(result.invariants).toEqual([]);
    expect(result.counters).toMatchObject({ orders: 2, members: 2, exits: 0 });
  });
});
