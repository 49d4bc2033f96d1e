// Rule changes judged from a live state: runs start from a copy of the live engine (its day, pool and
// positions), the proposed side runs under the draft, both sides are deterministic per seed, and
// worker threads give the same comparison as one thread.
import { engineSnapshot } from "@zengzhi/engine";
import { compareRuleChange, parseScenario, simulate } from "@zengzhi/sim";
import { describe, expect, it } from "vitest";
import { compareRuleChangeParallel } from "./node.js";

/** A "live" tenant: 200 days of a small scheme, as a snapshot. */
function liveSnapshot(): string {
  const scenario = parseScenario({
    horizonDays: 200,
    rules: { exitMultiple: "3" },
    demand: {
      newMembers: { curve: "constant", perDay: 10 },
      spend: { distribution: "lognormal", median: "300", sigma: 0.5 },
      repeat: { meanDaysBetween: 30 },
    },
  });
  return engineSnapshot(simulate(scenario, 5).engine);
}

const demand = {
  newMembers: { curve: "phases" as const, phases: [{ fromDay: 0, perDay: 10, growthPerDay: -0.01 }] },
  spend: { distribution: "fixed" as const, amount: "300" },
  repeat: { meanDaysBetween: 30 },
};

describe("rule-change comparison", () => {
  const snapshot = liveSnapshot();
  const input = {
    snapshot,
    proposedRules: { exitMultiple: "1.5" },
    horizonDays: 120,
    runs: 3,
    seed: 9,
    demand,
  };

  it("starts from the live state and runs the draft on the proposed side only", () => {
    const comparison = compareRuleChange(input);
    expect(comparison.start.day).toBe(199);
    expect(comparison.start.openPositions).toBeGreaterThan(0);
    expect(comparison.current.start.positions).toBeGreaterThan(2000);
    expect(comparison.current.start.open).toBe(comparison.start.openPositions);
    // The pool carries over: day 0 of the preview is the live pool plus one day of orders.
    expect(comparison.current.bands.pool.p50[0]).toBeGreaterThan(Number(comparison.start.pool));
    expect(comparison.current.scenario.rules.exitMultiple).toBe("3.000000000");
    expect(comparison.proposed.scenario.rules.exitMultiple).toBe("1.500000000");
    // Halving the exit multiple lets many more of the live positions out.
    expect(comparison.proposed.start.exited.p50).toBeGreaterThan(comparison.current.start.exited.p50);
    expect(comparison.current.invariants.runsBroken).toBe(0);
    expect(comparison.proposed.invariants.runsBroken).toBe(0);
    // The simulated members are new ones: their cohorts start at the preview's day 0.
    expect(comparison.proposed.cohorts[0]!.startDay).toBe(0);
    expect(comparison.proposed.cohorts[0]!.cashPaid.p50).toBeGreaterThan(0);
  });

  it("is deterministic per seed, and worker threads agree with one thread", async () => {
    const one = compareRuleChange(input);
    expect(JSON.stringify(compareRuleChange(input))).toBe(JSON.stringify(one));
    const parallel = await compareRuleChangeParallel(input, { threads: 2 });
    expect(JSON.stringify(parallel)).toBe(JSON.stringify(one));
    const members = ["m1", "m2", "m3"];
    expect(JSON.stringify(await compareRuleChangeParallel({ ...input, members }, { threads: 2 }))).toBe(
      JSON.stringify(compareRuleChange({ ...input, members })),
    );
  });

  it("lets live members order again without counting them as an entry cohort", () => {
    const members = Array.from({ length: 300 }, (_, i) => `m${i + 1}`);
    const without = compareRuleChange(input);
    const withMembers = compareRuleChange({ ...input, members: [...members, "nobody"] });
    expect(withMembers.current.totals.orders.p50).toBeGreaterThan(without.current.totals.orders.p50 + 500);
    // The 300 (not "nobody", who is not a live member) plus the new arrivals, whose dice differ a little.
    const added = withMembers.current.totals.members.p50 - without.current.totals.members.p50;
    expect(Math.abs(added - 300)).toBeLessThan(30);
    expect(withMembers.current.cohorts.map((c) => c.startDay)).toEqual(
      without.current.cohorts.map((c) => c.startDay),
    );
    // The first cohort holds only the members who arrived in the preview's first 30 days.
    expect(withMembers.current.cohorts[0]!.members).toBeLessThan(300);
  });

  it("refuses a draft the engine refuses, naming the field", () => {
    expect(() => compareRuleChange({ ...input, proposedRules: { exitMultiple: "20" } })).toThrow(
      /rules\.exitMultiple/,
    );
  });
});
