// Till sales funded from a merchant's prepaid balance: a table of commands with their outcome or
// rejection, the hostile-merchant sequence of issue 12, the same-day void, and a property test that
// the pool never takes in more than the money received.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Command,
  Engine,
  cashIn,
  checkInvariants,
  commandToJson,
  engineFromSnapshot,
  engineSnapshot,
  engineToJson,
  loadRuleSet,
  parseCommand,
} from "@zengzhi/engine";
import { scenario } from "./test-helpers.js";

const ALL_TO_POOL = { productCost: "0", distributionCost: "0", platformProfit: "0", poolContribution: "1" };
const FAIR = { productCost: "0.5", distributionCost: "0.1", platformProfit: "0.1", poolContribution: "0.3" };

describe("till sales paid from the prepaid balance", () => {
  it("accepts or refuses each command, in precedence order", () => {
    const { engine, ok, rejected } = scenario();
    const sale = (amount: string, split?: object) => ({
      type: "tillSale",
      member: "m1",
      merchant: "shop",
      amount,
      ...(split === undefined ? {} : { split }),
    });
    expect(rejected(sale("0"))).toBe("amount_not_positive");
    expect(rejected(sale("100", ALL_TO_POOL))).toBe("split_out_of_bounds");
    expect(rejected(sale("100"))).toBe("prepaid_insufficient");
    expect(rejected({ type: "prepaidCredit", merchant: "shop", amount: "0" })).toBe("amount_not_positive");
    expect(ok({ type: "prepaidCredit", merchant: "shop", amount: "70" }).prepaid).toBe(7000n);
    // The default split owes 70% of the amount: 70.00 covers exactly 100.00, not 100.01.
    expect(rejected(sale("100.01"))).toBe("prepaid_insufficient");
    const accepted = ok(sale("100"));
    expect(accepted.prepaid).toBe(0n);
    expect(engine.pool).toBe(3000n);
    expect(engine.merchantPrepaid("shop").balance).toBe(0n);
    expect(engine.tillSale(accepted.position!)?.owed).toBe(7000n);
  });

  it("refuses the hostile merchant at the first step that is not funded", () => {
    const { engine, ok, rejected } = scenario();
    ok({ type: "prepaidCredit", merchant: "shop", amount: "10" });
    const withoutBook = () => {
      const state = engineToJson(engine) as { prepaid?: unknown };
      delete state.prepaid;
      return JSON.stringify(state);
    };
    const before = withoutBook();
    // Step 1: a split sending 100% to the pool is outside the default bounds.
    const hostile = {
      type: "tillSale",
      member: "friend",
      merchant: "shop",
      amount: "10000",
      split: ALL_TO_POOL,
    };
    expect(rejected(hostile)).toBe("split_out_of_bounds");
    // Even where the operator allowed it, ¥10,000 of unpaid pool money is refused: nothing written.
    ok({ type: "splitBounds", merchant: "shop", maxPoolContribution: "1", minPlatformProfit: "0" });
    expect(rejected(hostile)).toBe("prepaid_insufficient");
    expect(withoutBook()).toBe(before);
    expect(engine.merchantPrepaid("shop").balance).toBe(1000n);
    expect(engine.pool).toBe(0n);
    expect(engine.memberCount).toBe(0);
  });

  it("voids a sale the same day exactly, and not the next day", () => {
    const { engine, ok, rejected } = scenario({ healthPerYuan: "0.1" });
    ok({ type: "prepaidCredit", merchant: "shop", amount: "1000" });
    ok({ type: "order", member: "other", amount: "100" });
    const before = JSON.stringify(engineToJson(engine));
    const { position } = ok({ type: "tillSale", member: "m1", merchant: "shop", amount: "500", split: FAIR });
    expect(rejected({ type: "tillSaleVoid", merchant: "elsewhere", position })).toBe("unknown_sale");
    expect(ok({ type: "tillSaleVoid", merchant: "shop", position }).prepaid).toBe(100000n);
    expect(rejected({ type: "tillSaleVoid", merchant: "shop", position })).toBe("sale_not_voidable");
    const state = engineToJson(engine);
    expect(state.pool).toBe("30.00");
    expect(state.members["m1"]).toMatchObject({ points: "0.00000000", orders: 0, health: "0.00" });
    expect(state.positions[position! - 1]).toMatchObject({ status: "closed", closeReason: "void" });
    expect(engine.merchantPrepaid("shop").balance).toBe(100000n);
    expect(JSON.parse(before).price).toBe(state.price);

    const next = ok({ type: "tillSale", member: "m1", merchant: "shop", amount: "10", split: FAIR });
    ok({ type: "advance", days: 1 });
    expect(rejected({ type: "tillSaleVoid", merchant: "shop", position: next.position })).toBe(
      "sale_not_voidable",
    );
  });

  it("a previewed till sale and void leave the live members as they were", () => {
    const { engine, ok } = scenario({ healthPerYuan: "0.1", healthPerReferral: "1" });
    ok({ type: "prepaidCredit", merchant: "shop", amount: "1000" });
    ok({ type: "join", member: "inviter" });
    ok({ type: "join", member: "m1", inviter: "inviter" });
    const { position } = ok({ type: "tillSale", member: "m1", merchant: "shop", amount: "10", split: FAIR });
    const before = JSON.stringify(engineToJson(engine).members);
    const sale = { type: "tillSale", member: "m1", merchant: "shop", amount: "500", split: FAIR } as const;
    expect(engine.previewCommands([parseCommand(sale)]).refused).toBeNull();
    const voiding = parseCommand({ type: "tillSaleVoid", merchant: "shop", position });
    expect(engine.previewCommands([voiding]).refused).toBeNull();
    expect(JSON.stringify(engineToJson(engine).members)).toBe(before);
  });

  it("survives a snapshot and JSON state round trip", () => {
    const { engine, ok } = scenario();
    ok({ type: "prepaidCredit", merchant: "shop", amount: "100" });
    ok({ type: "splitBounds", merchant: "shop", maxPoolContribution: "0.4", minPlatformProfit: "0.1" });
    const { position } = ok({ type: "tillSale", member: "m1", merchant: "shop", amount: "50" });
    ok({ type: "tillSale", member: "m2", merchant: "shop", amount: "20" });
    ok({ type: "tillSaleVoid", merchant: "shop", position });
    const text = engineSnapshot(engine);
    const copy = engineFromSnapshot(text);
    expect(engineSnapshot(copy)).toBe(text);
    expect(checkInvariants(copy)).toEqual([]);
    expect(copy.merchantPrepaid("shop")).toEqual(engine.merchantPrepaid("shop"));
  });
});

describe("tip points bought from the prepaid balance (issue 13)", () => {
  it("debits the balance, funds the pool, and refuses a short balance with nothing written", () => {
    const { engine, ok, rejected } = scenario();
    ok({ type: "order", member: "m1", amount: "100" });
    const buy = (amount: string) => ({ type: "tipBuy", merchant: "shop", amount, funding: "prepaid" });
    expect(rejected(buy("0"))).toBe("amount_not_positive");
    const before = JSON.stringify(engineToJson(engine));
    expect(rejected(buy("0.01"))).toBe("prepaid_insufficient");
    expect(JSON.stringify(engineToJson(engine))).toBe(before);
    ok({ type: "prepaidCredit", merchant: "shop", amount: "20" });
    expect(rejected(buy("20.01"))).toBe("prepaid_insufficient");
    const pool = engine.pool;
    const bought = ok(buy("20"));
    expect(bought.prepaid).toBe(0n);
    expect(bought.points! > 0n).toBe(true);
    expect(engine.pool).toBe(pool + 2000n);
    expect(engine.merchantPrepaid("shop").balance).toBe(0n);
    // The cash a merchant pays in stays 0: the pool entry came out of prepaid money already received.
    expect(engine.accounts.paidByMerchants).toBe(0n);
    const text = engineSnapshot(engine);
    expect(engineSnapshot(engineFromSnapshot(text))).toBe(text);
    const json = commandToJson(parseCommand(buy("1")));
    expect(json).toEqual(buy("1.00"));
  });
});

const merchantArb = fc.constantFrom("a", "b");
const memberArb = fc.constantFrom("m0", "m1", "m2");
const cents = (max: number) => fc.integer({ min: 0, max }).map((n) => (n / 100).toFixed(2));
const splitArb = fc
  .tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 5, max: 40 }), fc.integer({ min: 0, max: 100 }))
  .map(([pool, platform, distribution]) => {
    const p = Math.min(pool, 100);
    const f = Math.min(platform, 100 - p);
    const d = Math.min(distribution, 100 - p - f);
    const r = (n: number) => (n / 100).toFixed(2);
    return {
      productCost: r(100 - p - f - d),
      distributionCost: r(d),
      platformProfit: r(f),
      poolContribution: r(p),
    };
  });

const commandArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ type: fc.constant("prepaidCredit"), merchant: merchantArb, amount: cents(500_000) }),
  fc.record({
    type: fc.constant("splitBounds"),
    merchant: merchantArb,
    maxPoolContribution: fc.constantFrom("0.5", "1"),
    minPlatformProfit: fc.constantFrom("0", "0.05"),
  }),
  fc.record({
    type: fc.constant("tillSale"),
    member: memberArb,
    merchant: merchantArb,
    amount: cents(50_000),
    split: splitArb,
  }),
  fc.record({
    type: fc.constant("tillSaleVoid"),
    merchant: merchantArb,
    position: fc.integer({ min: 1, max: 30 }),
  }),
  fc.record({
    type: fc.constant("sell"),
    member: memberArb,
    position: fc.integer({ min: 1, max: 30 }),
    points: fc.constantFrom("0.5", "10", "1000"),
  }),
  fc.record({ type: fc.constant("order"), member: memberArb, amount: cents(100_000) }),
  fc.record({
    type: fc.constant("tipBuy"),
    merchant: merchantArb,
    amount: cents(50_000),
    funding: fc.constant("prepaid"),
  }),
  fc.record({ type: fc.constant("advance"), days: fc.constant(1) }),
);

describe("every pool cent traces back to money received", () => {
  it("pool inflow never exceeds money in, and state survives replay", () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(commandArb, { minLength: 5, maxLength: 40 }), (jsons) => {
        const engine = new Engine(loadRuleSet({}));
        const commands: Command[] = [];
        const positions = new Set<number>();
        let tipBought = 0n;
        for (const json of jsons) {
          const command = parseCommand(json);
          const result = engine.apply(command);
          if (result.ok && command.type === "tillSale") {
            positions.add(result.position!);
            accepted++;
          }
          if (result.ok && command.type === "tipBuy") tipBought += command.amount;
          commands.push(command);
          expect(checkInvariants(engine)).toEqual([]);
          expect(engine.pool <= cashIn(engine)).toBe(true);
          // What till sales put into the pool, platform and distribution is what prepaid money paid.
          let poolIn = 0n;
          let owed = 0n;
          for (const position of positions) {
            const sale = engine.tillSale(position)!;
            if (sale.voided) continue;
            poolIn += sale.contribution;
            owed += sale.owed;
          }
          const a = engineToJson(engine).accounts as Record<string, string | undefined>;
          const prepaidIn = BigInt(Math.round(Number(a["prepaidIn"] ?? "0") * 100));
          const prepaidHeld = BigInt(Math.round(Number(a["prepaidHeld"] ?? "0") * 100));
          expect(owed + tipBought).toBe(prepaidIn - prepaidHeld);
          expect(poolIn <= prepaidIn).toBe(true);
        }
        const replayed = new Engine(loadRuleSet({}));
        for (const command of commands) replayed.apply(parseCommand(commandToJson(command)));
        expect(engineSnapshot(replayed)).toBe(engineSnapshot(engine));
      }),
      { numRuns: 150 },
    );
    // The sequences reach funded sales, not only refusals.
    expect(accepted).toBeGreaterThan(20);
  });
});
