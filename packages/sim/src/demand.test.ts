// Order weights (issue 14, item 6): a run whose members each stand for several members applies a
// fraction of the orders, each exactly, and must tell the same story as the run of every member on
// the same scenario and seed: pool, supply, price, exits, sells and cohort shares within the
// tolerances below, engine invariants sound, and counts in members rather than simulated members.
import { engineSnapshot } from "@zengzhi/engine";
import {
  type RunResult,
  compareRuleChange,
  expectedOrdersPerDay,
  orderWeightFor,
  parseScenario,
  simulate,
} from "@zengzhi/sim";
import { describe, expect, it } from "vitest";

/** 150 days of 300 new members a day who reorder, with rules that let the first cohorts exit. */
const scenario = {
  horizonDays: 150,
  rules: { exitMultiple: "2", issueRatio: "0.5" },
  demand: {
    newMembers: { curve: "constant" as const, perDay: 300 },
    spend: { distribution: "lognormal" as const, median: "300", sigma: 0.8, min: "10", max: "20000" },
    repeat: { meanDaysBetween: 15, activeDays: 60 },
  },
  behaviour: {
    holdToExit: 0.65,
    sellAtMultiple: { share: 0.2, multiple: 2 },
    panicSell: { share: 0.1, stallDays: 14 },
    sellShareDaily: { share: 0.05, rate: 0.01, everyDays: 30 },
  },
};

const run = (orderWeight: number, seed: number) =>
  simulate(parseScenario({ ...scenario, orderWeight }), seed).result;

/** |a − b| ÷ b. */
const off = (a: number | string, b: number | string) => Math.abs(Number(a) - Number(b)) / Number(b);
const exitedShare = (r: RunResult) => r.cohorts.map((c) => c.exited / c.members);

describe("order weights", () => {
  it("picks the weight from the demand: 1 up to 500 orders a day, then whole members", () => {
    const small = parseScenario(scenario);
    expect(expectedOrdersPerDay(small)).toBeGreaterThan(1000);
    expect(orderWeightFor(small)).toBe(Math.floor(expectedOrdersPerDay(small) / 500));
    const quiet = parseScenario({
      ...scenario,
      demand: { ...scenario.demand, newMembers: { curve: "constant", perDay: 50 } },
    });
    expect(orderWeightFor(quiet)).toBe(1);
    // Live members who go on ordering count too.
    expect(orderWeightFor(quiet, 100_000)).toBeGreaterThan(1);
  });

  it("tells the same story as the run of every member, on a tenth of the engine's orders", () => {
    for (const seed of [1, 2]) {
      const exact = run(1, seed);
      const weighted = run(10, seed);
      // Tolerances: pool, supply and price within 2 %, member and order counts within 1 %, exits
      // within 3 %, sells within 8 % (a weighted seller sells for ten), cohort exit shares within 0.01.
      expect(off(weighted.final.pool, exact.final.pool)).toBeLessThan(0.02);
      expect(off(weighted.final.supply, exact.final.supply)).toBeLessThan(0.02);
      expect(off(weighted.final.price, exact.final.price)).toBeLessThan(0.02);
      expect(off(weighted.counters.members, exact.counters.members)).toBeLessThan(0.01);
      expect(off(weighted.counters.orders, exact.counters.orders)).toBeLessThan(0.01);
      expect(exact.counters.exits).toBeGreaterThan(1000);
      expect(off(weighted.counters.exits, exact.counters.exits)).toBeLessThan(0.03);
      expect(off(weighted.counters.sells, exact.counters.sells)).toBeLessThan(0.08);
      const shares = exitedShare(exact);
      expect(shares[0]).toBeGreaterThan(0.1);
      exitedShare(weighted).forEach((share, i) => expect(Math.abs(share - shares[i]!)).toBeLessThan(0.01));
      expect(weighted.invariants).toEqual([]);
      // Counts are in members: the cohorts add up to the members the run stands for.
      const cohortMembers = weighted.cohorts.reduce((sum, c) => sum + c.members, 0);
      expect(cohortMembers).toBe(weighted.counters.members);
      expect(weighted.series.members[149]).toBe(weighted.counters.members);
    }
  });

  it("runs a scheme's first days member by member, while single orders still move the price", () => {
    const exact = run(1, 3);
    const weighted = run(10, 3);
    // Day 0 starts from an empty pool: the same members, the same dice, the same state.
    expect(weighted.series.price[0]).toBe(exact.series.price[0]);
    expect(weighted.series.members[0]).toBe(exact.series.members[0]);
  });

  it("a rule-change preview from a live state agrees with its run of every member", () => {
    const live = parseScenario({ ...scenario, rules: { exitMultiple: "3" }, horizonDays: 90 });
    const snapshot = engineSnapshot(simulate(live, 5).engine);
    const input = {
      snapshot,
      proposedRules: { exitMultiple: "1.5" },
      horizonDays: 60,
      runs: 2,
      seed: 9,
      demand: scenario.demand,
    };
    const exact = compareRuleChange({ ...input, orderWeight: 1 });
    const weighted = compareRuleChange({ ...input, orderWeight: 10 });
    for (const side of ["current", "proposed"] as const) {
      const [e, w] = [exact[side], weighted[side]];
      expect(off(w.bands.pool.p50[59]!, e.bands.pool.p50[59]!)).toBeLessThan(0.02);
      expect(off(w.bands.price.p50[59]!, e.bands.price.p50[59]!)).toBeLessThan(0.02);
      expect(off(w.totals.members.p50, e.totals.members.p50)).toBeLessThan(0.01);
      expect(w.invariants.runsBroken).toBe(0);
    }
    // The live positions the draft lets out are the same positions either way.
    expect(off(weighted.proposed.start.exited.p50, exact.proposed.start.exited.p50)).toBeLessThan(0.02);
  });
});
