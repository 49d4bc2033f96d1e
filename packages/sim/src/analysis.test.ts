// The analysis on hand-made data: volume multiples, late joiners, cohort spreads and the summary's
// wording, where the right answer can be worked out by hand.
import { type RunResult, aggregateRuns, parseScenario, runScenario, volumeMultiple } from "@zengzhi/sim";
import { describe, expect, it } from "vitest";

const days = 5;
const series = (price: number[], volume: number[]) => ({
  price: Float64Array.from(price),
  pool: new Float64Array(days),
  supply: new Float64Array(days),
  members: new Float64Array(days),
  volume: Float64Array.from(volume),
  backToMembers: new Float64Array(days),
  exits: new Float64Array(days),
});

const spread = (x: number) => ({ min: x, p10: x, p50: x, p90: x, max: x });

const waiting = { waiting180: 0, eligible180: 0, waiting365: 0, eligible365: 0 };

function fakeRun(seed: number, reached2x: [number, number]): RunResult {
  return {
    seed,
    horizonDays: days,
    cohortDays: 2,
    series: series([1, 1.5, 2.2, 3.1, 3.3], [100, 300, 1100, 4000, 5000]),
    cohorts: [
      {
        startDay: 0,
        members: 10,
        exited: 5,
        reached1x: 6,
        reached2x: reached2x[0],
        daysToExitMedian: 3,
        realised: spread(1),
        marked: spread(1.5),
        ...waiting,
        cashPaid: 500,
        cashReceived: 500,
      },
      {
        startDay: 2,
        members: 10,
        exited: 0,
        reached1x: 0,
        reached2x: reached2x[1],
        daysToExitMedian: null,
        realised: spread(0),
        marked: spread(0.4),
        ...waiting,
        cashPaid: 500,
        cashReceived: 0,
      },
    ],
    money: {
      paidByMembers: "1000.00",
      financingIn: "0.00",
      toMerchants: "300.00",
      toDistribution: "300.00",
      toPlatform: "100.00",
      toPool: "300.00",
      backToMembers: "120.00",
      stillInPool: "180.00",
      subsidyBudgetLeft: "0.00",
    },
    volumeMultiple: { twice: 11, thrice: 40 },
    histogram: [14, 0, 0, 0, 6, 0, 0, 0, 0, 0],
    counters: {
      orders: 20,
      ordersRefused: 0,
      sells: 0,
      sellsRefused: 0,
      exits: 5,
      resets: 0,
      members: 20,
      positions: 20,
      openPositions: 15,
    },
    final: { day: 4, price: "3.30000000", pool: "180.00", supply: "54.54545454" },
    invariants: [],
    start: { positions: 0, open: 0, exited: 0 },
  };
}

const scenario = parseScenario({
  name: "hand-made",
  horizonDays: days,
  cohort: "week",
  demand: { newMembers: { curve: "constant", perDay: 4 }, spend: { distribution: "fixed", amount: "50" } },
});

describe("analysis", () => {
  it("finds the volume multiple for 2× and 3× on the first day the price gets there", () => {
    const s = series([1, 1.5, 2.2, 3.1, 3.3], [100, 300, 1100, 4000, 5000]);
    expect(volumeMultiple(s, 2)).toBe(11);
    expect(volumeMultiple(s, 3)).toBe(40);
    expect(volumeMultiple(s, 4)).toBeNull();
  });

  it("names the first joining day from which 90% of runs saw at most 10% of later joiners get 2× back", () => {
    // Nine runs where one member of the second cohort got 2× (10%), one where three did (30%).
    const runs = [...Array.from({ length: 9 }, (_, i) => fakeRun(i, [4, 1])), fakeRun(9, [4, 3])];
    const mc = aggregateRuns(scenario, runs);
    // From day 0: (4 + 1) / 20 = 25% in most runs, so not day 0; from day 2: 10% in 9 runs, 30% in one.
    expect(mc.lateJoiners).toEqual({ fromDay: 2, runsShare: 0.9, share2xMax: 0.1 });
    expect(mc.summary.join(" ")).toContain(
      "Members who joined on or after day 2 had not received 2× their spend in cash by day 4 in 90% of runs: at most 10% of them had.",
    );
  });

  it("reports cohort shares, money per ¥100 and the loss share", () => {
    const mc = aggregateRuns(scenario, [fakeRun(1, [0, 0]), fakeRun(2, [0, 0])]);
    expect(mc.cohorts[0]).toMatchObject({ startDay: 0, endDay: 1, members: 10, daysToExitMedian: 3 });
    expect(mc.cohorts[0]!.exitedShare.p50).toBe(0.5);
    expect(mc.cohorts[1]).toMatchObject({ startDay: 2, endDay: 3, daysToExitMedian: null, realisedWorst: 0 });
    expect(mc.lossShare.p50).toBe(0.7);
    expect(mc.summary).toContain(
      "Of every ¥100 members paid (¥1,000 in all, median), 30 went to merchants, 30 to distribution, 10 to the platform and 30 to the pool. Members took ¥120 back out of the pool and ¥180 was still in it at the end.",
    );
    expect(mc.lateJoiners).toEqual({ fromDay: 0, runsShare: 1, share2xMax: 0 });
    expect(mc.summary.join(" ")).toContain(
      "Members had not received 2× their spend in cash by day 4 in every run: none of them had.",
    );
  });

  it("says so loudly when a run broke an invariant", () => {
    const broken = { ...fakeRun(3, [0, 0]), invariants: ["cash not conserved: paid in 1.00, held 0.99"] };
    const mc = aggregateRuns(scenario, [fakeRun(1, [0, 0]), broken]);
    expect(mc.invariants).toEqual({
      runsChecked: 2,
      runsBroken: 1,
      firstProblem: "cash not conserved: paid in 1.00, held 0.99",
    });
    expect(mc.summary[mc.summary.length - 1]).toMatch(
      /^WARNING: the engine's invariants were broken at the end of 1 of 2 runs/,
    );
  });
});

describe("demand phases and waiting cohorts", () => {
  const base = {
    horizonDays: 400,
    demand: {
      spend: { distribution: "fixed", amount: "100" },
    },
  };
  const run = (newMembers: unknown) =>
    runScenario(parseScenario({ ...base, demand: { ...base.demand, newMembers } }), 3);

  it("grows, stalls and declines by phase", () => {
    const result = run({
      curve: "phases",
      phases: [
        { fromDay: 0, perDay: 10 },
        { fromDay: 100, perDay: 10, growthPerDay: 0.01, maxPerDay: 20 },
        { fromDay: 200, perDay: 20, growthPerDay: -0.05 },
        { fromDay: 300, perDay: 0 },
      ],
    });
    const members = result.series.members;
    expect(members[99]).toBe(1000);
    // Growth at 1% a day for 100 days, capped at 20 a day.
    const grown = members[199]! - members[99]!;
    expect(grown).toBeGreaterThan(1500);
    expect(grown).toBeLessThan(1750);
    // Decline: 20 × 0.95^k summed over 100 days ≈ 400.
    const declined = members[299]! - members[199]!;
    expect(declined).toBeGreaterThan(370);
    expect(declined).toBeLessThan(430);
    expect(members[399]).toBe(members[299]);
  });

  it("counts members still waiting after 180 and 365 days, of those old enough", () => {
    const result = run({ curve: "constant", perDay: 2 });
    const first = result.cohorts[0]!;
    // Joined on days 0–29, all at least 365 days before the horizon's last day (399).
    expect(first.eligible180).toBe(first.members);
    expect(first.eligible365).toBe(first.members);
    expect(first.waiting365).toBeLessThanOrEqual(first.waiting180);
    expect(first.cashPaid).toBe(first.members * 100);
    const late = result.cohorts.find((c) => c.startDay === 240)!;
    expect(late.eligible365).toBe(0);
    expect(late.eligible180).toBe(0);
    const mid = result.cohorts.find((c) => c.startDay === 210)!;
    // Days 210–219 are at least 180 days before day 399; days 220–239 are not.
    expect(mid.eligible180).toBe(20);
  });

  it("refuses phases that do not start on day 0 or go back in time", () => {
    expect(() =>
      parseScenario({
        ...base,
        demand: { ...base.demand, newMembers: { curve: "phases", phases: [{ fromDay: 5, perDay: 1 }] } },
      }),
    ).toThrow(/demand\.newMembers\.phases\.0\.fromDay/);
    expect(() =>
      parseScenario({
        ...base,
        demand: {
          ...base.demand,
          newMembers: {
            curve: "phases",
            phases: [
              { fromDay: 0, perDay: 1 },
              { fromDay: 0, perDay: 2 },
            ],
          },
        },
      }),
    ).toThrow(/phases\.1\.fromDay/);
  });
});
