// Table tests, rule by rule (RULES.md numbering), with every rejection code.
import { describe, expect, it } from "vitest";
import {
  COIN_IMPORT_ROWS_MAX,
  CommandError,
  Engine,
  RATIO_SCALE,
  REJECTION_CODES,
  checkInvariants,
  commandToJson,
  engineToJson,
  formatMoney,
  formatPoints,
  loadRuleSet,
  parseCommand,
  resultToJson,
} from "@zengzhi/engine";
import { scenario } from "./test-helpers.js";

const wallet = (e: ReturnType<typeof scenario>["engine"], m: string) => formatMoney(e.member(m)!.wallet);

describe("rule 1: order", () => {
  it("floors the three non-pool parts to the fen; the pool takes the rest", () => {
    const { engine, ok } = scenario();
    ok({ type: "order", member: "m1", amount: "0.05" }); // 1.5, 1.5, 0.5 fen
    expect(engine.accounts.merchantSettlements).toBe(1n);
    expect(engine.accounts.distribution).toBe(1n);
    expect(engine.accounts.platformRevenue).toBe(0n);
    expect(engine.pool).toBe(3n);
    // 0.7 × 0.03 yuan at price 1 = 0.021 points
    expect(formatPoints(engine.supply)).toBe("0.02100000");
  });

  it("lists a member's positions oldest first", () => {
    const { engine, ok } = scenario();
    ok({ type: "order", member: "a", amount: "10" });
    ok({ type: "order", member: "b", amount: "10" });
    ok({ type: "order", member: "a", amount: "10" });
    // A wrong hint (member b's index) is ignored; a right one finds the member.
    expect(engine.apply({ type: "order", member: "a", amount: 1000n, memberHint: 1 }).ok).toBe(true);
    expect(engine.apply({ type: "order", member: "b", amount: 1000n, memberHint: 1 }).ok).toBe(true);
    expect(engine.memberPositions("a")).toEqual([1, 3, 4]);
    expect(engine.memberPositions("b")).toEqual([2, 5]);
    expect(engine.memberPositions("nobody")).toEqual([]);
  });

  it("takes a per-order split override", () => {
    const { engine, ok } = scenario();
    ok({
      type: "order",
      member: "m1",
      amount: "100",
      split: { productCost: "0.5", distributionCost: "0", platformProfit: "0", poolContribution: "0.5" },
    });
    expect(formatMoney(engine.pool)).toBe("50.00");
    expect(formatMoney(engine.accounts.merchantSettlements)).toBe("50.00");
  });

  it("rounds points down, so the price after an order never falls", () => {
    const { engine, ok } = scenario();
    ok({ type: "order", member: "m1", amount: "333.33" });
    ok({ type: "order", member: "m2", amount: "777.77" });
    const r = ok({ type: "order", member: "m3", amount: "12.34" });
    // value = 0.7 × 3.70 (pool part of 12.34 = 12.34 − 3.70 − 3.70 − 1.23 = 3.71) at pool/supply.
    expect(r.points).toBeGreaterThan(0n);
    expect(engine.accounts.pool * 100n).toBeGreaterThan(0n);
  });

  it("issues at the price floor when the market price is below it (minPrice)", () => {
    const { ok } = scenario({ minPrice: "2" });
    const r = ok({ type: "order", member: "m1", amount: "1000" });
    expect(formatPoints(r.points!)).toBe("105.00000000"); // 210 / 2
  });

  it.each([
    [{ type: "order", member: "m1", amount: "0" }, "amount_not_positive"],
    [{ type: "order", member: "m1", amount: "-5" }, "amount_not_positive"],
    [{ type: "order", member: "m1", amount: "10000000001" }, "amount_too_large"],
    [{ type: "order", member: "m1", amount: "10", payWith: "coins" }, "insufficient_coins"],
  ])("rejects %j with %s and changes nothing", (command, code) => {
    const { engine, rejected } = scenario();
    const before = JSON.stringify(engineToJson(engine));
    expect(rejected(command)).toBe(code);
    expect(JSON.stringify(engineToJson(engine))).toBe(before);
  });
});

describe("rule 2: sell", () => {
  it("pays gross less the fee, floored to the fen, and keeps the fee in the pool", () => {
    const { engine, ok } = scenario();
    ok({ type: "order", member: "m1", amount: "1000" });
    ok({ type: "order", member: "m2", amount: "1000" });
    const r = ok({ type: "sell", member: "m2", position: 2, points: "100" });
    // gross = 100 × 600/357 = 168.0672…; net = 0.8 × gross = 134.4537… → 134.45
    expect(formatMoney(r.net!)).toBe("134.45");
    expect(wallet(engine, "m2")).toBe("134.45");
    expect(formatMoney(engine.pool)).toBe("465.55");
    expect(formatPoints(engine.position(2)!.points)).toBe("47.00000000");
    expect(formatMoney(engine.position(2)!.soldGross)).toBe("168.06");
  });

  it.each([
    [{ type: "sell", member: "m1", position: 9, points: "1" }, "unknown_position"],
    [{ type: "sell", member: "m2", position: 1, points: "1" }, "not_owner"],
    [{ type: "sell", member: "m1", position: 1, points: "0" }, "amount_not_positive"],
    [{ type: "sell", member: "m1", position: 1, points: "210.00000001" }, "insufficient_points"],
  ])("rejects %j with %s", (command, code) => {
    const { ok, rejected } = scenario();
    ok({ type: "order", member: "m1", amount: "1000" });
    ok({ type: "order", member: "m2", amount: "1000" });
    expect(rejected(command)).toBe(code);
  });

  it("previews a sell with the same checks and arithmetic, changing nothing", () => {
    const { engine, ok } = scenario();
    ok({ type: "order", member: "m1", amount: "1000" });
    ok({ type: "order", member: "m2", amount: "1000" });
    const before = JSON.stringify(engineToJson(engine));
    const preview = engine.previewSell("m2", 2, 10_000_000_000n);
    expect(JSON.stringify(engineToJson(engine))).toBe(before);
    expect(engine.previewSell("m1", 2, 1n)).toMatchObject({ ok: false, rejection: { code: "not_owner" } });
    const sold = ok({ type: "sell", member: "m2", position: 2, points: "100" });
    expect(preview).toEqual({ ok: true, points: 10_000_000_000n, net: sold.net, fee: sold.fee });
  });

  it("refuses to sell from a closed position", () => {
    const { ok, rejected } = scenario();
    ok({ type: "order", member: "m1", amount: "1000" });
    ok({ type: "order", member: "m2", amount: "1000" });
    ok({ type: "sell", member: "m1", position: 1, points: "210" });
    expect(rejected({ type: "sell", member: "m1", position: 1, points: "1" })).toBe("position_not_open");
  });
});

describe("rule 3: forced exits cascade, lowest threshold first, ties by age", () => {
  it("exits in threshold order and stops when none qualifies", () => {
    const { engine, ok } = scenario();
    ok({ type: "order", member: "a", amount: "1000" }); // 210 pts, threshold 14.29
    ok({ type: "order", member: "b", amount: "100" }); // 14.7 pts at 1.43 → threshold 20.4
    ok({ type: "order", member: "c", amount: "1000" });
    const r = ok({ type: "financing", toPool: "100000" });
    expect(r.exits!.slice(0, 2)).toEqual([1, 2]);
    for (const id of r.exits!) expect(engine.position(id)!.status).toBe("exited");
  });

  it("breaks ties by creation order", () => {
    const { engine, ok } = scenario();
    ok({ type: "order", member: "a", amount: "1000" }); // 210 points for 1000: threshold 3000/210
    ok({ type: "financing", toPool: "120" }); // price 420/210 = 2
    // 60% to the pool at price 2: 0.7 × 600 / 2 = 210 points for 1000, the same threshold.
    ok({
      type: "order",
      member: "b",
      amount: "1000",
      split: { productCost: "0.2", distributionCost: "0.1", platformProfit: "0.1", poolContribution: "0.6" },
    });
    expect(engine.exitThreshold(1)).toBe(engine.exitThreshold(2));
    const r = ok({ type: "financing", toPool: "100000" });
    expect(r.exits).toEqual([1, 2]);
  });

  it("tipped positions never force-exit", () => {
    const { engine, ok } = scenario();
    ok({ type: "order", member: "m1", amount: "1000" });
    ok({ type: "tipBuy", merchant: "shop", amount: "10" });
    ok({ type: "tip", merchant: "shop", member: "m1", points: "1" });
    ok({ type: "financing", toPool: "1000000" });
    expect(engine.position(1)!.status).toBe("exited");
    expect(engine.position(2)!.status).toBe("open");
    expect(engine.exitThreshold(2)).toBeNull();
  });

  it("exits without a fee when exitFeeApplies is false", () => {
    const { engine, ok } = scenario({ exitFeeApplies: false });
    ok({ type: "order", member: "m1", amount: "1000" });
    ok({ type: "order", member: "m2", amount: "1000" });
    ok({ type: "financing", toPool: "4500" });
    expect(wallet(engine, "m1")).toBe("3000.00");
  });
});

describe("rule 4: financing and subsidies", () => {
  it("pays part of a new member's first order from the subsidy budget, capped by it", () => {
    const { engine, ok } = scenario({ subsidyRate: "0.1" });
    ok({ type: "financing", toPool: "0", toSubsidy: "150", label: "A轮" });
    const first = ok({ type: "order", member: "m1", amount: "1000" });
    expect(formatMoney(first.subsidy!)).toBe("100.00");
    expect(formatPoints(first.points!)).toBe("210.00000000"); // issuance on the full amount
    const capped = ok({ type: "order", member: "m2", amount: "1000" });
    expect(formatMoney(capped.subsidy!)).toBe("50.00");
    const second = ok({ type: "order", member: "m1", amount: "1000" });
    expect(second.subsidy).toBeUndefined();
    expect(formatMoney(engine.accounts.subsidyBudget)).toBe("0.00");
    expect(formatMoney(engine.accounts.paidByMembers)).toBe("2850.00");
  });

  it("rejects financing that brings nothing or takes something", () => {
    const { rejected } = scenario();
    expect(rejected({ type: "financing", toPool: "0", toSubsidy: "0" })).toBe("amount_not_positive");
    expect(rejected({ type: "financing", toPool: "-1", toSubsidy: "5" })).toBe("amount_not_positive");
  });
});

describe("rule 5: listing", () => {
  it("converts every point to shares, moves the pool to equity and accepts nothing afterwards", () => {
    const { engine, ok, rejected } = scenario();
    ok({ type: "order", member: "m1", amount: "1000" });
    ok({ type: "order", member: "m2", amount: "1000" });
    ok({ type: "listing", sharesPerPoint: "0.01" });
    expect(formatPoints(engine.member("m1")!.shares)).toBe("2.10000000");
    expect(formatPoints(engine.member("m2")!.shares)).toBe("1.47000000");
    expect(formatMoney(engine.accounts.equity)).toBe("600.00");
    expect(engine.pool).toBe(0n);
    expect(engine.supply).toBe(0n);
    expect(rejected({ type: "order", member: "m1", amount: "1" })).toBe("listed");
    expect(rejected({ type: "advance", days: 1 })).toBe("listed");
  });
});

describe("rule 5: listing a large book", () => {
  // Whole shares per point take a bulk path (each member's open points summed once); any other
  // ratio floors each position's shares. Both must give every member Σ floor(points × ratio).
  const book = () => {
    const engine = new Engine(loadRuleSet({ exitMultiple: "10" }));
    for (let n = 0; n < 600; n++) {
      const result = engine.apply({
        type: "order",
        member: `m${n % 37}`,
        amount: BigInt(1000 + ((n * 7919) % 90000)),
      });
      expect(result.ok).toBe(true);
    }
    // A sold position keeps fewer points; a closed one converts nothing.
    expect(engine.apply({ type: "sell", member: "m1", position: 2, points: 100_000_000n }).ok).toBe(true);
    expect(
      engine.apply({ type: "sell", member: "m3", position: 4, points: engine.position(4)!.points }).ok,
    ).toBe(true);
    return engine;
  };
  const expected = (engine: Engine, ratio: bigint) => {
    const shares = new Map<string, bigint>();
    for (let id = 1; id <= engine.positionCount; id++) {
      const p = engine.position(id)!;
      if (p.status !== "open") continue;
      shares.set(p.member, (shares.get(p.member) ?? 0n) + (p.points * ratio) / RATIO_SCALE);
    }
    return shares;
  };

  for (const [text, ratio] of [
    ["3", 3n * RATIO_SCALE],
    ["0.37", (37n * RATIO_SCALE) / 100n],
  ] as const) {
    it(`gives each member the floored shares of each open position (sharesPerPoint ${text}), in a fork too`, () => {
      const engine = book();
      const want = expected(engine, ratio);
      const preview = engine.view.previewCommands([parseCommand({ type: "listing", sharesPerPoint: text })]);
      expect(preview.after.openPositions).toBe(0);
      expect(engine.member("m5")!.shares).toBe(0n);
      expect(engine.apply(parseCommand({ type: "listing", sharesPerPoint: text })).ok).toBe(true);
      for (const [member, shares] of want) expect(engine.member(member)!.shares).toBe(shares);
      expect(engine.openPositionCount()).toBe(0);
      expect(checkInvariants(engine)).toEqual([]);
    });
  }
});

describe("rule 6: daily release", () => {
  const release = {
    tiers: [
      { minHealth: "0", rate: "0.1" },
      { minHealth: "10", rate: "0.5" },
    ],
  };

  it("locks new points and releases a share of the remaining lock per day", () => {
    const { engine, ok, rejected } = scenario({ release });
    ok({ type: "order", member: "m1", amount: "1000" });
    expect(rejected({ type: "sell", member: "m1", position: 1, points: "1" })).toBe("points_locked");
    const pool = engine.pool;
    ok({ type: "advance", days: 2 });
    expect(engine.pool).toBe(pool); // release never moves pool or supply
    // 210 → 189 → 170.1 locked
    expect(formatPoints(engine.position(1)!.locked)).toBe("170.10000000");
    ok({ type: "sell", member: "m1", position: 1, points: "39.9" });
    expect(rejected({ type: "sell", member: "m1", position: 1, points: "0.00000001" })).toBe("points_locked");
  });

  it("projects the release schedule without changing anything", () => {
    const { engine, ok } = scenario({ release });
    ok({ type: "order", member: "m1", amount: "1000" });
    const schedule = engine.releaseSchedule(1, [0, 1, 2, 30]);
    expect(schedule.map(formatPoints)).toEqual([
      "210.00000000",
      "189.00000000",
      "170.10000000",
      schedule[3] && formatPoints(schedule[3]),
    ]);
    expect(engine.position(1)!.locked).toBe(21_000_000_000n);
    ok({ type: "advance", days: 30 });
    expect(engine.position(1)!.locked).toBe(schedule[3]);
  });

  it("releases faster in a higher health tier, from the day the tier changes", () => {
    const { engine, ok } = scenario({ release });
    ok({ type: "join", member: "inviter" });
    ok({ type: "order", member: "inviter", amount: "1000" });
    ok({ type: "join", member: "friend", inviter: "inviter" });
    ok({ type: "advance", days: 1 }); // 210 → 189 at 10%
    ok({ type: "order", member: "friend", amount: "100" }); // inviter health 10 → 50% a day
    ok({ type: "advance", days: 1 }); // 189 → 94.5
    expect(formatPoints(engine.position(1)!.locked)).toBe("94.50000000");
  });

  it("percentOfOriginal releases the same amount each day until none is locked", () => {
    const { engine, ok } = scenario({
      release: { mode: "percentOfOriginal", tiers: [{ minHealth: "0", rate: "0.25" }] },
    });
    ok({ type: "order", member: "m1", amount: "1000" });
    ok({ type: "advance", days: 3 });
    expect(formatPoints(engine.position(1)!.locked)).toBe("52.50000000");
    ok({ type: "advance", days: 5 });
    expect(engine.position(1)!.locked).toBe(0n);
  });

  it("rejects a bad number of days", () => {
    const { rejected } = scenario();
    expect(rejected({ type: "advance", days: 0 })).toBe("invalid_days");
    expect(rejected({ type: "advance", days: 100001 })).toBe("invalid_days");
  });
});

describe("rule 7: health value, only for the direct inviter", () => {
  it("raises the inviter's health once, on the invitee's first order, and nothing else", () => {
    const { engine, ok } = scenario({ healthPerYuan: "0.01" });
    ok({ type: "join", member: "a" });
    ok({ type: "join", member: "b", inviter: "a" });
    ok({ type: "join", member: "c", inviter: "b" });
    ok({ type: "order", member: "c", amount: "100" });
    ok({ type: "order", member: "c", amount: "100" });
    expect(engine.member("b")!.health).toBe(1000n); // 10.00 from c's first order only
    expect(engine.member("a")!.health).toBe(0n); // no second level
    expect(engine.member("c")!.health).toBe(200n); // 0.01 × 200 yuan of own spend
    expect(engine.member("b")!.wallet).toBe(0n);
    expect(engine.memberPositions("b")).toEqual([]);
  });

  it.each([
    [{ type: "join", member: "a" }, "member_exists"],
    [{ type: "join", member: "z", inviter: "nobody" }, "unknown_inviter"],
    [{ type: "join", member: "z", inviter: "z" }, "self_invite"],
  ])("rejects %j with %s", (command, code) => {
    const { ok, rejected } = scenario();
    ok({ type: "join", member: "a" });
    expect(rejected(command)).toBe(code);
  });
});

describe("rule 8: halving", () => {
  it("halves the issue ratio every halvingPeriodDays", () => {
    const { ok } = scenario({ halvingPeriodDays: 365, minPrice: "1" });
    ok({ type: "advance", days: 365 });
    const r = ok({ type: "order", member: "m1", amount: "1000" });
    expect(formatPoints(r.points!)).toBe("105.00000000");
  });
});

describe("rule 9: merchant tips", () => {
  it("buys points at the current price and tips members with enough health", () => {
    const { engine, ok, rejected } = scenario({ tipMinHealth: "10" });
    ok({ type: "order", member: "m1", amount: "1000" });
    ok({ type: "join", member: "m2", inviter: "m1" });
    ok({ type: "order", member: "m2", amount: "1000" });
    const before = engine.priceUnits();
    const bought = ok({ type: "tipBuy", merchant: "shop", amount: "100" });
    expect(bought.points).toBeGreaterThan(0n);
    expect(engine.priceUnits() - before).toBeLessThanOrEqual(1n); // unchanged up to rounding
    expect(rejected({ type: "tip", merchant: "shop", member: "m2", points: "1" })).toBe("health_too_low");
    const tip = ok({ type: "tip", merchant: "shop", member: "m1", points: "1" });
    expect(engine.position(tip.position!)!.spend).toBe(0n);
    expect(rejected({ type: "tip", merchant: "shop", member: "m1", points: "1000" })).toBe(
      "insufficient_merchant_points",
    );
    expect(rejected({ type: "tip", merchant: "shop", member: "ghost", points: "1" })).toBe("unknown_member");
  });

  it("refuses an amount that buys no point", () => {
    const { ok, rejected } = scenario();
    ok({ type: "tipBuy", merchant: "shop", amount: "1" }); // one point at price 1, held by the merchant
    ok({ type: "financing", toPool: "1000000000" });
    expect(rejected({ type: "tipBuy", merchant: "shop", amount: "0.01" })).toBe("zero_points");
  });
});

describe("merchantBalance: a merchant's balances, read-only", () => {
  it("answers undefined for a merchant no event named, and adds none", () => {
    const { engine, ok } = scenario();
    ok({ type: "order", member: "m1", amount: "100", merchant: "shop" });
    const before = engineToJson(engine);
    expect(engine.merchantBalance("nobody")).toBeUndefined();
    expect(engine.merchantCount).toBe(1);
    expect(engineToJson(engine)).toEqual(before);
  });

  it("copies settlement, points and shares as the events left them", () => {
    const { engine, ok } = scenario();
    ok({ type: "order", member: "m1", amount: "100", merchant: "shop" }); // 30.00 product cost
    expect(engine.merchantBalance("shop")).toEqual({ settlement: 3000n, points: 0n, shares: 0n });
    const bought = ok({ type: "tipBuy", merchant: "shop", amount: "10" });
    const balance = engine.merchantBalance("shop")!;
    expect(balance).toEqual({ settlement: 3000n, points: bought.points!, shares: 0n });
    // A copy: changing it leaves the engine alone.
    balance.settlement = 0n;
    expect(engine.merchantBalance("shop")!.settlement).toBe(3000n);
    ok({ type: "listing", sharesPerPoint: "0.01" });
    expect(engine.merchantBalance("shop")).toEqual({
      settlement: 3000n,
      points: 0n,
      shares: bought.points! / 100n,
    });
  });
});

describe("rule 10: pay with points", () => {
  it("burns X / p points rounded up, moves X to the merchant and keeps the price", () => {
    const { engine, ok } = scenario();
    ok({ type: "order", member: "m1", amount: "1000" });
    ok({ type: "order", member: "m2", amount: "1000" });
    const [n0, d0] = engine.price();
    const r = ok({ type: "payWithPoints", member: "m1", position: 1, amount: "100", merchant: "shop" });
    // 100 / (600/357) = 59.5 points
    expect(formatPoints(r.points!)).toBe("59.50000000");
    expect(formatMoney(engine.merchantBalance("shop")!.settlement)).toBe("100.00");
    const [n1, d1] = engine.price();
    expect(n1 * d0).toBeGreaterThanOrEqual(n0 * d1);
    expect(engine.positionCount).toBe(2); // earns no new points
  });

  it("earns points on the pool part when pointsOrdersEarn is on", () => {
    const { engine, ok } = scenario({ pointsOrdersEarn: true });
    ok({ type: "order", member: "m1", amount: "1000" });
    const r = ok({ type: "payWithPoints", member: "m1", position: 1, amount: "100" });
    expect(r.position).toBe(2);
    expect(formatMoney(engine.pool)).toBe("230.00"); // 300 − 100 + 30
  });

  it("refuses to burn more than the position holds", () => {
    const { ok, rejected } = scenario();
    ok({ type: "order", member: "m1", amount: "1000" });
    expect(rejected({ type: "payWithPoints", member: "m1", position: 1, amount: "300.01" })).toBe(
      "insufficient_points",
    );
  });
});

describe("RULES.md rule 10 and rule versions, case by case", () => {
  it("pointsOrdersEarn: issues at the price before the order's pool part, after the burn", () => {
    const { engine, ok } = scenario({ pointsOrdersEarn: true });
    ok({ type: "order", member: "a", amount: "1000" });
    ok({ type: "payWithPoints", member: "a", position: 1, amount: "100" });
    // Price after the burn: (300 − 100) / (210 − 70) = 1.428571…; 30 × 0.7 / 1.428571… = 14.7.
    expect(formatPoints(engine.position(2)!.points)).toBe("14.70000000");
  });

  it("pointsOrdersEarn: a burn of the whole supply issues at the price before the burn", () => {
    const { engine, ok } = scenario({ pointsOrdersEarn: true });
    ok({ type: "order", member: "a", amount: "1000" });
    ok({ type: "payWithPoints", member: "a", position: 1, amount: "300" });
    // All 210 points burned; the 90 of pool part issues at 300 / 210 (not at initialPrice 1): 44.1.
    expect(formatPoints(engine.position(2)!.points)).toBe("44.10000000");
  });

  it("pay with points draws no subsidy and raises no health value", () => {
    const { engine, ok } = scenario({ pointsOrdersEarn: true, subsidyRate: "0.1", healthPerYuan: "0.01" });
    ok({ type: "financing", toPool: "0", toSubsidy: "1000" });
    ok({ type: "order", member: "a", amount: "1000" });
    const health = engine.member("a")!.health;
    const budget = engine.accounts.subsidyBudget;
    const r = ok({ type: "payWithPoints", member: "a", position: 1, amount: "100" });
    expect(r.subsidy).toBeUndefined();
    expect(engine.accounts.subsidyBudget).toBe(budget);
    expect(engine.member("a")!.health).toBe(health);
    expect(engine.member("a")!.orders).toBe(1);
  });

  it("a rule version checks forced exits at once under the new rules", () => {
    const { engine, ok } = scenario({ exitMultiple: "3" });
    ok({ type: "order", member: "a", amount: "1000" });
    ok({ type: "order", member: "b", amount: "1000" });
    ok({ type: "financing", toPool: "2000" });
    expect(engine.position(1)!.status).toBe("open"); // worth about 1,529: short of 3,000
    const r = ok({ type: "rules", rules: { exitMultiple: "1.5" } });
    expect(r.exits).toEqual([1]);
    expect(engine.position(1)!.closeReason).toBe("exit");
  });

  it("a rule version checks the period reset at once under the new rules", () => {
    const { engine, ok } = scenario({ priceCeiling: "100" });
    ok({ type: "order", member: "a", amount: "1000" });
    expect(engine.period).toBe(0);
    const r = ok({ type: "rules", rules: { priceCeiling: "1.2" } });
    expect(r.reset).toBe(true);
    expect(engine.period).toBe(1);
  });

  it("a rule version without release unlocks every locked point", () => {
    const { engine, ok } = scenario({ release: {} });
    ok({ type: "order", member: "a", amount: "1000" });
    expect(engine.position(1)!.locked).toBe(engine.position(1)!.points);
    ok({ type: "rules", rules: { release: null } });
    expect(engine.position(1)!.locked).toBe(0n);
    ok({ type: "sell", member: "a", position: 1, points: "1" });
  });

  it.each([
    [{ tiers: [{ minHealth: "1", rate: "0.1" }] }, "tiers_not_ascending"],
    [{ tiers: [{ minHealth: "0", rate: "0" }] }, "out_of_range"],
    [{ tiers: [{ minHealth: "0", rate: "1.000000001" }] }, "out_of_range"],
  ])("a tier table %j is refused with %s", (release, code) => {
    expect(() => loadRuleSet({ release })).toThrow(expect.objectContaining({ code }));
  });

  it("accepts a tier table starting at minHealth 0 with rate 1", () => {
    expect(loadRuleSet({ release: { tiers: [{ minHealth: "0", rate: "1" }] } }).release!.tiers[0]!.rate).toBe(
      10n ** 9n,
    );
  });

  it("halving is off unless halvingPeriodDays is set", () => {
    const { engine, ok } = scenario();
    expect(engine.rules.halvingPeriodDays).toBeNull();
    const first = ok({ type: "order", member: "a", amount: "100" }).points!;
    const later = scenario();
    later.ok({ type: "advance", days: 100_000 });
    expect(later.ok({ type: "order", member: "a", amount: "100" }).points).toBe(first);
  });
});

describe("rule 11: legacy coins", () => {
  it("spends coins like cash; the pool part is the tenant's debt-settlement expense", () => {
    const { engine, ok, rejected } = scenario();
    ok({ type: "coinImport", member: "old", coins: "500" });
    const r = ok({ type: "order", member: "old", amount: "400", payWith: "coins" });
    expect(formatPoints(r.points!)).toBe("84.00000000");
    expect(formatMoney(engine.accounts.debtSettlement)).toBe("120.00");
    expect(formatMoney(engine.member("old")!.coins)).toBe("100.00");
    expect(rejected({ type: "order", member: "old", amount: "100.01", payWith: "coins" })).toBe(
      "insufficient_coins",
    );
  });
});

describe("rule 12: withdrawal", () => {
  it("holds the cash until the operator decides; a rejection returns it", () => {
    const { engine, ok, rejected } = scenario({ withdrawalMaxPerRequest: "100", withdrawalMaxPerDay: "150" });
    ok({ type: "order", member: "m1", amount: "1000" });
    ok({ type: "order", member: "m2", amount: "1000" });
    ok({ type: "sell", member: "m1", position: 1, points: "210" });
    expect(rejected({ type: "withdraw", member: "m1", amount: "100.01" })).toBe(
      "withdrawal_over_request_limit",
    );
    const w1 = ok({ type: "withdraw", member: "m1", amount: "100" });
    expect(rejected({ type: "withdraw", member: "m1", amount: "50.01" })).toBe("withdrawal_over_daily_limit");
    const w2 = ok({ type: "withdraw", member: "m1", amount: "50" });
    ok({ type: "withdrawApprove", withdrawal: w1.withdrawal! });
    ok({ type: "withdrawReject", withdrawal: w2.withdrawal! });
    expect(rejected({ type: "withdrawReject", withdrawal: w2.withdrawal! })).toBe("withdrawal_not_pending");
    expect(rejected({ type: "withdrawApprove", withdrawal: 99 })).toBe("unknown_withdrawal");
    // A decision carrying a digest the state no longer has (a stale preview) changes nothing.
    expect(rejected({ type: "withdrawApprove", withdrawal: 99, expect: "0".repeat(64) })).toBe(
      "preview_stale",
    );
    expect(formatMoney(engine.accounts.withdrawn)).toBe("100.00");
    ok({ type: "advance", days: 1 });
    ok({ type: "withdraw", member: "m1", amount: "100" }); // a new day, a new limit
    expect(rejected({ type: "withdraw", member: "m2", amount: "1" })).toBe("insufficient_funds");
    expect(rejected({ type: "withdraw", member: "ghost", amount: "1" })).toBe("unknown_member");
  });

  it("ends an approved withdrawal's payout once: paid, or the cash back to the wallet", () => {
    const { engine, ok, rejected } = scenario({ withdrawalMaxPerDay: "150" });
    ok({ type: "order", member: "m1", amount: "1000" });
    ok({ type: "order", member: "m2", amount: "1000" });
    ok({ type: "sell", member: "m1", position: 1, points: "210" });
    const before = engine.member("m1")!.wallet;
    const paid = ok({ type: "withdraw", member: "m1", amount: "100" }).withdrawal!;
    const failed = ok({ type: "withdraw", member: "m1", amount: "50" }).withdrawal!;
    // Only an approved withdrawal has a payout to end.
    expect(rejected({ type: "withdrawPaid", withdrawal: paid })).toBe("withdrawal_not_approved");
    expect(rejected({ type: "withdrawReturn", withdrawal: 99 })).toBe("unknown_withdrawal");
    ok({ type: "withdrawApprove", withdrawal: paid });
    ok({ type: "withdrawApprove", withdrawal: failed });
    expect(formatMoney(engine.accounts.withdrawn)).toBe("150.00");
    ok({ type: "withdrawPaid", withdrawal: paid });
    ok({ type: "withdrawReturn", withdrawal: failed });
    expect(engine.withdrawal(paid)!.status).toBe("paid");
    expect(engine.withdrawal(failed)!.status).toBe("returned");
    expect(formatMoney(engine.accounts.withdrawn)).toBe("100.00");
    expect(engine.member("m1")!.wallet).toBe(before - 10000n);
    // A second report of either end changes nothing.
    for (const type of ["withdrawPaid", "withdrawReturn"] as const) {
      expect(rejected({ type, withdrawal: paid })).toBe("withdrawal_not_approved");
      expect(rejected({ type, withdrawal: failed })).toBe("withdrawal_not_approved");
    }
    // The returned 50 counts no more against today's limit: 100 paid + 50 fits in 150.
    ok({ type: "withdraw", member: "m1", amount: "50" });
  });
});

describe("period reset (priceCeiling)", () => {
  it("cashes out every open position at the ceiling without fee and starts again at initialPrice", () => {
    const { engine, ok } = scenario({ priceCeiling: "2" });
    ok({ type: "order", member: "m1", amount: "1000" });
    const r = ok({ type: "financing", toPool: "200" }); // price 500/210 ≥ 2
    expect(r.reset).toBe(true);
    expect(engine.position(1)!.status).toBe("exited");
    expect(engine.position(1)!.closeReason).toBe("reset");
    expect(wallet(engine, "m1")).toBe("500.00");
    expect(engine.supply).toBe(0n);
    expect(engine.pool).toBe(0n);
    expect(engine.period).toBe(1);
    const next = ok({ type: "order", member: "m2", amount: "1000" });
    expect(formatPoints(next.points!)).toBe("210.00000000");
  });
});

describe("rule-set versions", () => {
  it("applies a new version only to events after it", () => {
    const { engine, ok } = scenario();
    ok({ type: "order", member: "m1", amount: "1000" });
    ok({ type: "rules", rules: { issueRatio: "0.35" } });
    const r = ok({ type: "order", member: "m2", amount: "1000" });
    expect(formatPoints(r.points!)).toBe("73.50000000"); // 105 of value at 300/210
    expect(formatPoints(engine.position(1)!.points)).toBe("210.00000000");
  });

  it("re-indexes thresholds when the exit multiple changes, and exits what now qualifies", () => {
    const { engine, ok } = scenario();
    ok({ type: "order", member: "m1", amount: "1000" });
    ok({ type: "order", member: "m2", amount: "1000" });
    ok({ type: "financing", toPool: "2000" }); // price 7.28: position 1 is worth 1529.4 ≥ 1.5 × 1000
    const r = ok({ type: "rules", rules: { exitMultiple: "1.5" } });
    expect(r.exits).toEqual([1]);
    expect(engine.position(1)!.status).toBe("exited");
  });
});

describe("online orders: paid, waiting out the refund window, settled or refunded", () => {
  it("holds the cash while the window runs, then settles at the boundary of the settle day as rule 1", () => {
    const { engine, ok } = scenario({ refundWindowDays: 3 });
    const paid = ok({ type: "orderPaid", order: 7, member: "a", amount: "1000", merchant: "shop" });
    expect(paid.settled).toBeUndefined();
    expect(engine.accounts.ordersAwaitingSettlement).toBe(100000n);
    expect(engine.pool).toBe(0n);
    expect(engine.view.onlineOrder(7)).toMatchObject({
      status: "paid",
      paidDay: 0,
      settleDay: 3,
      position: null,
    });
    expect(ok({ type: "advance", days: 2 }).settled).toBeUndefined();
    const r = ok({ type: "advance", days: 5 });
    expect(r.settled).toEqual([{ order: 7, position: 1, points: 21000000000n }]);
    expect(engine.view.onlineOrder(7)).toMatchObject({
      status: "settled",
      position: 1,
      points: 21000000000n,
    });
    // The clock stood at the settle day when the order settled, and moves on to day 7 afterwards.
    expect(engine.position(1)!.day).toBe(3);
    expect(engine.day).toBe(7);
    expect(engine.accounts.ordersAwaitingSettlement).toBe(0n);
    expect(formatMoney(engine.pool)).toBe("300.00");
    expect(engine.merchantBalance("shop")!.settlement).toBe(30000n); // product cost 30%
  });

  it("settles at once with no refund window, in the same command", () => {
    const { engine, ok } = scenario();
    const r = ok({ type: "orderPaid", order: 1, member: "a", amount: "1000" });
    expect(r.settled).toEqual([{ order: 1, position: 1, points: 21000000000n }]);
    expect(engine.view.onlineOrder(1)!.status).toBe("settled");
  });

  it("settles the orders due at one boundary in order id order", () => {
    const { ok } = scenario({ refundWindowDays: 1 });
    ok({ type: "orderPaid", order: 9, member: "a", amount: "100" });
    ok({ type: "orderPaid", order: 2, member: "b", amount: "100" });
    ok({ type: "advance", days: 1 });
    ok({ type: "orderPaid", order: 5, member: "c", amount: "100" });
    expect(ok({ type: "advance", days: 1 }).settled!.map((s) => s.order)).toEqual([5]);
    const again = scenario({ refundWindowDays: 1 });
    again.ok({ type: "orderPaid", order: 9, member: "a", amount: "100" });
    again.ok({ type: "orderPaid", order: 2, member: "b", amount: "100" });
    expect(again.ok({ type: "advance", days: 1 }).settled!.map((s) => [s.order, s.position])).toEqual([
      [2, 1],
      [9, 2],
    ]);
  });

  it("refunds inside the window: the cash goes back, the pool does not move", () => {
    const { engine, ok, rejected } = scenario({ refundWindowDays: 2 });
    ok({ type: "orderPaid", order: 1, member: "a", amount: "50" });
    ok({ type: "advance", days: 1 });
    ok({ type: "orderRefund", order: 1 });
    expect(engine.accounts.ordersRefunded).toBe(5000n);
    expect(engine.accounts.ordersAwaitingSettlement).toBe(0n);
    expect(engine.view.onlineOrder(1)!.status).toBe("refunded");
    expect(ok({ type: "advance", days: 5 }).settled).toBeUndefined();
    expect(engine.positionCount).toBe(0);
    expect(rejected({ type: "orderRefund", order: 1 })).toBe("order_not_refundable");
  });

  it("credits a settled first order's subsidy to the wallet: the member paid the whole amount", () => {
    const { engine, ok } = scenario({ subsidyRate: "0.1", refundWindowDays: 1 });
    ok({ type: "financing", toSubsidy: "1000" });
    ok({ type: "orderPaid", order: 1, member: "a", amount: "100" });
    ok({ type: "advance", days: 1 });
    expect(engine.member("a")!.wallet).toBe(1000n);
    expect(engine.accounts.subsidyBudget).toBe(99000n);
  });

  it("pays back waiting orders at listing", () => {
    const { engine, ok } = scenario({ refundWindowDays: 5 });
    ok({ type: "orderPaid", order: 1, member: "a", amount: "50" });
    ok({ type: "listing", sharesPerPoint: "1" });
    expect(engine.view.onlineOrder(1)!.status).toBe("refunded");
    expect(engine.view.custody().ordersAwaitingSettlement).toBe(0n);
  });

  it.each([
    [{ type: "orderRefund", order: 4 }, "unknown_order"],
    [{ type: "orderPaid", order: 1, member: "b", amount: "5" }, "order_already_paid"],
    [{ type: "orderPaid", order: 2, member: "b", amount: "0" }, "amount_not_positive"],
    [{ type: "orderPaid", order: 2, member: "b", amount: "10000000000.01" }, "amount_too_large"],
    [{ type: "orderRefund", order: 1 }, "refund_window_passed"],
  ])("rejects %j with %s and changes nothing", (command, code) => {
    const { engine, ok, rejected } = scenario({ refundWindowDays: 1 });
    ok({ type: "orderPaid", order: 1, member: "a", amount: "100" });
    ok({ type: "advance", days: 1 });
    const before = engineToJson(engine);
    expect(rejected(command)).toBe(code);
    expect(engineToJson(engine)).toEqual(before);
  });

  it("leaves the snapshot of a state that never used them as it was (verify compares stored snapshots)", async () => {
    const { engineSnapshot } = await import("@zengzhi/engine");
    const { engine, ok } = scenario({ refundWindowDays: 1 });
    ok({ type: "order", member: "a", amount: "10" });
    const header = engineSnapshot(engine).split("\n")[0]!;
    expect(header).not.toMatch(/ordersAwaitingSettlement|ordersRefunded|onlineOrders/);
    ok({ type: "orderPaid", order: 1, member: "a", amount: "10" });
    expect(engineSnapshot(engine).split("\n")[0]).toMatch(/"ordersAwaitingSettlement":"10.00"/);
  });

  it.each(["engineToJson", "engineSnapshot"])("survives a restore from %s", async (form) => {
    const { engineFromJson, engineFromSnapshot, engineSnapshot } = await import("@zengzhi/engine");
    const { engine, ok } = scenario({ refundWindowDays: 2 });
    const split = { productCost: "0.5", distributionCost: "0", platformProfit: "0", poolContribution: "0.5" };
    ok({ type: "orderPaid", order: 1, member: "a", amount: "100", split });
    ok({ type: "orderPaid", order: 2, member: "b", amount: "100" });
    ok({ type: "orderRefund", order: 2 });
    const restored =
      form === "engineToJson"
        ? engineFromJson(engineToJson(engine))
        : engineFromSnapshot(engineSnapshot(engine));
    expect(engineToJson(restored)).toEqual(engineToJson(engine));
    expect(restored.apply({ type: "advance", days: 2 })).toEqual(engine.apply({ type: "advance", days: 2 }));
    expect(engineToJson(restored)).toEqual(engineToJson(engine));
    expect(engine.merchantBalance("store")!.settlement).toBe(5000n);
  });
});

describe("coinImport: every row or none", () => {
  const members = () => {
    const s = scenario();
    s.ok({ type: "join", member: "a" });
    s.ok({ type: "join", member: "b" });
    return s;
  };

  it("imports every row in one command", () => {
    const { engine, ok } = members();
    ok({
      type: "coinImport",
      rows: [
        { member: "a", coins: "1.50" },
        { member: "b", coins: "2" },
      ],
    });
    expect(engine.member("a")!.coins).toBe(150n);
    expect(engine.member("b")!.coins).toBe(200n);
    expect(engine.coins.imported).toBe(350n);
  });

  it("refuses the whole import with a detail per refused row, in row order", () => {
    const { engine, run } = members();
    const before = engineToJson(engine);
    const r = run({
      type: "coinImport",
      rows: [
        { member: "a", coins: "1" },
        { member: "ghost", coins: "1" },
        { member: "a", coins: "0" },
        { member: "b", coins: "10000000000.01" },
      ],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.rejection.code).toBe("invalid_rows");
    expect(r.rejection.rows!.map((p) => [p.row, p.field, p.code])).toEqual([
      [1, "member", "unknown_member"],
      [2, "member", "duplicate_member"],
      [2, "coins", "amount_not_positive"],
      [3, "coins", "amount_too_large"],
    ]);
    expect(engineToJson(engine)).toEqual(before);
    expect(resultToJson(r)).toMatchObject({ ok: false, rejection: "invalid_rows", rows: r.rejection.rows });
  });

  it.each([
    [0, false],
    [1, true],
    [COIN_IMPORT_ROWS_MAX, true],
    [COIN_IMPORT_ROWS_MAX + 1, false],
  ])("reads %i rows: %s", (count, readable) => {
    const rows = Array.from({ length: count }, (_, i) => ({ member: `m${i}`, coins: "1" }));
    const read = () => parseCommand({ type: "coinImport", rows });
    if (readable) expect(read().type).toBe("coinImport");
    else expect(read).toThrow(CommandError);
  });

  it("the engine itself refuses an empty import (invalid_rows)", () => {
    const { engine } = members();
    const r = engine.apply({ type: "coinImport", rows: [] });
    expect(r.ok ? null : r.rejection.code).toBe("invalid_rows");
  });

  it("reads the single-member form of older journals and keeps its canonical text", () => {
    const legacy = { type: "coinImport", member: "new", coins: "5.00" };
    const command = parseCommand(legacy);
    expect(command).toEqual({ type: "coinImportLegacy", member: "new", coins: 500n });
    expect(commandToJson(command)).toEqual(legacy);
    const { engine, ok } = scenario();
    ok(legacy);
    expect(engine.member("new")!.coins).toBe(500n);
    expect(() => parseCommand({ type: "coinImport", member: "a" })).toThrow(CommandError);
    expect(() =>
      parseCommand({ type: "coinImport", member: "a", coins: "1", rows: [{ member: "a", coins: "1" }] }),
    ).toThrow(CommandError);
  });
});

it("every rejection code is exercised by these tables", async () => {
  // Till sales have their own table in prepaid.test.ts.
  const fs = await import("node:fs/promises");
  const files = [import.meta.url, new URL("./prepaid.test.ts", import.meta.url)];
  const source = (await Promise.all(files.map((file) => fs.readFile(new URL(file), "utf8")))).join("\n");
  const missing = REJECTION_CODES.filter((code) => !source.includes(`"${code}"`));
  expect(missing).toEqual([]);
});
