// The queue meter against a brute-force count over the positions, and the inflow helpers.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Engine, loadRuleSet, parseCommand } from "@zengzhi/engine";
import { RATIO_SCALE, ceilDiv } from "./decimal.js";
import { daysAtInflow, poolInflow } from "./queue-meter.js";
import { scenario } from "./test-helpers.js";

/** Σ over open positions of (exit target − cash received) − value, per position, as an exact fraction. */
function cashToExitByScan(engine: Engine): bigint {
  const [numerator, denominator] = engine.price();
  let scaled = 0n; // RATIO_SCALE × denominator × fen
  for (let id = 1; id <= engine.positionCount; id++) {
    const p = engine.position(id)!;
    if (p.status !== "open" || p.tipped || p.points === 0n) continue;
    const need = engine.rules.exitMultiple * p.spend - RATIO_SCALE * p.soldGross;
    scaled += need * denominator - RATIO_SCALE * p.points * numerator;
  }
  return scaled > 0n ? ceilDiv(scaled, RATIO_SCALE * denominator) : 0n;
}

describe("queueMeter", () => {
  it("counts exits, open positions, waiting times and the cash to exit", () => {
    const { engine, ok } = scenario({ exitMultiple: "2" });
    ok({ type: "order", member: "a", amount: "100" });
    ok({ type: "advance", days: 200 });
    ok({ type: "order", member: "b", amount: "100" });
    ok({ type: "advance", days: 40 });
    ok({ type: "order", member: "c", amount: "50" });
    let meter = engine.view.queueMeter();
    expect(meter).toMatchObject({ positions: 3, exited: 0, open: 3, queued: 3, waitingOver: [2, 1, 1, 0] });
    expect(meter.cashToExit).toBe(cashToExitByScan(engine));
    expect(meter.cashToExit).toBeGreaterThan(0n);
    ok({ type: "financing", toPool: "100000", toSubsidy: "0" });
    meter = engine.view.queueMeter();
    expect(meter).toMatchObject({ positions: 3, exited: 3, open: 0, queued: 0, cashToExit: 0n });
  });

  it("equals the per-position scan on random histories", () => {
    const command = fc.oneof(
      fc.record({
        type: fc.constant("order"),
        member: fc.constantFrom("a", "b", "c"),
        amount: fc.integer({ min: 1, max: 5000 }).map(String),
      }),
      fc.record({ type: fc.constant("advance"), days: fc.integer({ min: 1, max: 120 }) }),
      fc.record({
        type: fc.constant("sell"),
        member: fc.constantFrom("a", "b"),
        position: fc.integer({ min: 1, max: 8 }),
        points: fc.constant("1"),
      }),
      fc.record({
        type: fc.constant("financing"),
        toPool: fc.integer({ min: 1, max: 3000 }).map(String),
        toSubsidy: fc.constant("0"),
      }),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 30 }), (commands) => {
        const { engine, run } = scenario({ exitMultiple: "3" });
        for (const c of commands) run(c);
        const meter = engine.view.queueMeter();
        expect(meter.cashToExit).toBe(cashToExitByScan(engine));
        let exited = 0;
        for (let id = 1; id <= engine.positionCount; id++)
          if (engine.position(id)!.closeReason === "exit") exited++;
        expect(meter.exited).toBe(exited);
        expect(meter.open).toBe(engine.openPositionCount());
      }),
      { numRuns: 80 },
    );
  });
});

describe("poolInflow and daysAtInflow", () => {
  const rules = loadRuleSet({});
  it("takes an order's pool part, financing's pool part and tip purchases; nothing else", () => {
    const order = parseCommand({ type: "order", member: "a", amount: "100" });
    expect(poolInflow(order, rules)).toBe(3000n); // 0.3 of ¥100
    expect(poolInflow(parseCommand({ type: "financing", toPool: "5", toSubsidy: "9" }), rules)).toBe(500n);
    expect(poolInflow(parseCommand({ type: "tipBuy", merchant: "s", amount: "2" }), rules)).toBe(200n);
    expect(poolInflow(parseCommand({ type: "advance", days: 1 }), rules)).toBe(0n);
  });

  it("rounds the days up and answers null without inflow", () => {
    expect(daysAtInflow(100n, { amount: 30n, days: 30 })).toBe(100n);
    expect(daysAtInflow(101n, { amount: 300n, days: 30 })).toBe(11n);
    expect(daysAtInflow(0n, { amount: 300n, days: 30 })).toBe(0n);
    expect(daysAtInflow(5n, { amount: 0n, days: 30 })).toBeNull();
  });
});
