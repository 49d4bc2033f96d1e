// Scenario validation: every refusal names the field it is about, and rule fields are refused by the
// engine's own loadRuleSet (reported under "rules.").
import { ScenarioError, SweepError, parseScenario, parseSweepAxis, sweepCells } from "@zengzhi/sim";
import { describe, expect, it } from "vitest";

const base = {
  horizonDays: 30,
  demand: { newMembers: { curve: "constant", perDay: 10 }, spend: { distribution: "fixed", amount: "100" } },
};

function refusal(raw: unknown): ScenarioError {
  try {
    parseScenario(raw);
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error("the scenario was accepted");
}

describe("scenario validation", () => {
  const cases: [string, unknown, string, RegExp][] = [
    ["not an object", 42, "", /object/i],
    ["unknown top-level field", { ...base, horizon: 5 }, "horizon", /unknown field/],
    ["missing horizon", { demand: base.demand }, "horizonDays", /number/i],
    ["horizon 0", { ...base, horizonDays: 0 }, "horizonDays", /1/],
    ["horizon beyond the limit", { ...base, horizonDays: 7301 }, "horizonDays", /7300/],
    [
      "unknown curve",
      { ...base, demand: { ...base.demand, newMembers: { curve: "linear", perDay: 1 } } },
      "demand.newMembers.curve",
      /./,
    ],
    [
      "negative members a day",
      { ...base, demand: { ...base.demand, newMembers: { curve: "constant", perDay: -1 } } },
      "demand.newMembers.perDay",
      /0/,
    ],
    [
      "amount not a decimal string",
      { ...base, demand: { ...base.demand, spend: { distribution: "fixed", amount: 100 } } },
      "demand.spend.amount",
      /string/,
    ],
    [
      "amount with 3 decimals",
      { ...base, demand: { ...base.demand, spend: { distribution: "fixed", amount: "1.005" } } },
      "demand.spend.amount",
      /decimal/,
    ],
    [
      "amount under 1 yuan",
      { ...base, demand: { ...base.demand, spend: { distribution: "fixed", amount: "0.50" } } },
      "demand.spend.amount",
      /at least 1 yuan/,
    ],
    [
      "uniform max below min",
      { ...base, demand: { ...base.demand, spend: { distribution: "uniform", min: "100", max: "50" } } },
      "demand.spend.max",
      /below min/,
    ],
    [
      "unknown field in repeat",
      { ...base, demand: { ...base.demand, repeat: { meanDaysBetween: 10, every: 2 } } },
      "demand.repeat.every",
      /unknown field/,
    ],
    [
      "behaviour shares over 1",
      {
        ...base,
        behaviour: { sellAtMultiple: { share: 0.7, multiple: 2 }, panicSell: { share: 0.5, stallDays: 3 } },
      },
      "behaviour",
      /add up to 1.2/,
    ],
    [
      "holdToExit that does not complete the shares",
      { ...base, behaviour: { holdToExit: 0.5 } },
      "behaviour.holdToExit",
      /not 1/,
    ],
    [
      "share above 1",
      { ...base, behaviour: { panicSell: { share: 1.5, stallDays: 3 } } },
      "behaviour.panicSell.share",
      /1/,
    ],
    [
      "rule out of the engine's range",
      { ...base, rules: { exitMultiple: "20" } },
      "rules.exitMultiple",
      /out_of_range/,
    ],
    ["unknown rule", { ...base, rules: { bonus: "1" } }, "rules.bonus", /unknown_field/],
    [
      "multi-level reward",
      { ...base, rules: { referralLevels: 3 } },
      "rules.referralLevels",
      /multi_level_reward/,
    ],
    [
      "split that does not add up",
      {
        ...base,
        rules: {
          split: {
            productCost: "0.5",
            distributionCost: "0.3",
            platformProfit: "0.1",
            poolContribution: "0.3",
          },
        },
      },
      "rules.split",
      /split_not_one/,
    ],
    [
      "financing after the horizon",
      { ...base, financing: [{ day: 30, toPool: "100" }] },
      "financing.0.day",
      /after the horizon/,
    ],
    ["financing of nothing", { ...base, financing: [{ day: 3 }] }, "financing.0", /positive/],
  ];
  for (const [name, raw, path, reason] of cases) {
    it(`refuses ${name} at "${path}"`, () => {
      const error = refusal(raw);
      expect(error.path).toBe(path);
      expect(error.reason).toMatch(reason);
      expect(error.message).not.toContain("\n");
    });
  }

  it("fills defaults: 20 runs, seed 1, monthly cohorts, everyone holds to the exit", () => {
    const scenario = parseScenario(base);
    expect(scenario).toMatchObject({
      runs: 20,
      seed: 1,
      cohort: "month",
      financing: [],
      demand: { shock: null, repeat: null },
    });
    expect(scenario.behaviour.holdToExit).toBe(1);
    expect(scenario.demand.spend).toEqual({ distribution: "fixed", amount: 10_000 });
  });
});

describe("sweep specifications", () => {
  it("expands lists and exact decimal ranges", () => {
    expect(parseSweepAxis("exitMultiple=2,3,4")).toEqual({ field: "exitMultiple", values: ["2", "3", "4"] });
    expect(parseSweepAxis("issueRatio=0.5:0.9:0.1").values).toEqual(["0.5", "0.6", "0.7", "0.8", "0.9"]);
  });

  it("refuses malformed specifications by name", () => {
    expect(() => parseSweepAxis("exitMultiple")).toThrow(SweepError);
    expect(() => parseSweepAxis("issueRatio=0.5:x:0.1")).toThrow(/end "x"/);
    expect(() => parseSweepAxis("issueRatio=0.1:0.9:0")).toThrow(/step/);
  });

  it("builds one validated scenario per grid cell and names the field of a refused value", () => {
    const cells = sweepCells(base, [
      parseSweepAxis("exitMultiple=2,3"),
      parseSweepAxis("sellFee=0.1,0.2,0.3"),
    ]);
    expect(cells.map((c) => c.values)).toHaveLength(6);
    expect(cells[5]!.scenario.rules.sellFee).toBe(300_000_000n);
    expect(cells[5]!.scenario.rules.exitMultiple).toBe(3_000_000_000n);
    expect(() => sweepCells(base, [parseSweepAxis("exitMultiple=3,12")])).toThrow(
      /exitMultiple=12: .*rules\.exitMultiple/,
    );
    expect(() => sweepCells(base, [parseSweepAxis("halvingPeriodDays=0.5")])).toThrow(/whole number/);
  });
});
