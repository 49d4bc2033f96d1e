// The simulator page's sliders can only make scenarios the simulator accepts: every corner of their
// ranges is parsed by @zengzhi/sim (which loads the rules with the engine), and a short run works.
import { parseScenario, runScenario } from "@zengzhi/sim";
import { describe, expect, it } from "vitest";
import {
  buildScenario,
  DEFAULT_A,
  DEFAULT_B,
  DEFAULT_DEMAND,
  DEMAND_RANGES,
  RULE_RANGES,
  DEMAND_SHAPES,
  type DemandKnobs,
  type RuleKnobs,
  scenarioFromHash,
  scenarioHash,
} from "../src/pages/simulator/scenario.js";

function corners<T extends Record<string, number>>(
  base: T,
  ranges: Record<string, { min: number; max: number }>,
): T[] {
  const found: T[] = [base];
  for (const [key, range] of Object.entries(ranges)) {
    found.push({ ...base, [key]: range.min }, { ...base, [key]: range.max });
  }
  const all = { ...base };
  const none = { ...base };
  for (const [key, range] of Object.entries(ranges)) {
    (all as Record<string, number>)[key] = range.max;
    (none as Record<string, number>)[key] = range.min;
  }
  return [...found, all, none];
}

describe("simulator page scenarios", () => {
  it("the defaults start inside the slider ranges", () => {
    for (const [key, range] of Object.entries(DEMAND_RANGES)) {
      const value = DEFAULT_DEMAND[key as keyof DemandKnobs];
      expect(value, key).toBeGreaterThanOrEqual(range.min);
      expect(value, key).toBeLessThanOrEqual(range.max);
    }
    for (const knobs of [DEFAULT_A, DEFAULT_B]) {
      for (const [key, range] of Object.entries(RULE_RANGES)) {
        expect(knobs[key as keyof RuleKnobs], key).toBeGreaterThanOrEqual(range.min);
        expect(knobs[key as keyof RuleKnobs], key).toBeLessThanOrEqual(range.max);
      }
    }
  });

  it("every corner of the demand sliders is a valid scenario", () => {
    for (const demand of corners(DEFAULT_DEMAND, DEMAND_RANGES)) {
      expect(() => parseScenario(buildScenario(demand, DEFAULT_A)), JSON.stringify(demand)).not.toThrow();
    }
  });

  it("every corner of the rule sliders is a rule set the engine accepts", () => {
    for (const rules of corners(DEFAULT_A, RULE_RANGES)) {
      expect(() => parseScenario(buildScenario(DEFAULT_DEMAND, rules)), JSON.stringify(rules)).not.toThrow();
    }
  });

  it("runs a short scenario to its horizon with the engine's invariants intact", () => {
    const scenario = parseScenario(
      buildScenario({ ...DEFAULT_DEMAND, horizonDays: 60, membersPerDay: 5 }, DEFAULT_A),
    );
    const result = runScenario(scenario, scenario.seed);
    expect(result.series.price.length).toBe(60);
    expect(result.counters.orders).toBeGreaterThan(0);
    expect(result.invariants).toEqual([]);
  });
});

describe("simulator page demand shapes and links", () => {
  it("every demand shape is a scenario the simulator accepts, and they differ as named", () => {
    const small = { ...DEFAULT_DEMAND, horizonDays: 150, membersPerDay: 5, sellDaily: 0, repeatDays: 1000 };
    const members = (shape: (typeof DEMAND_SHAPES)[number]) => {
      const scenario = parseScenario({
        ...buildScenario(small, DEFAULT_A, shape),
        runs: 1,
      });
      return runScenario(scenario, 1).series.members;
    };
    const last = (series: Float64Array) => series[series.length - 1]!;
    const steady = members("constant");
    const grows = members("grows");
    const stalls = members("stalls");
    const declines = members("declines");
    const shock = members("shock");
    expect(last(grows)).toBeGreaterThan(last(stalls));
    expect(last(stalls)).toBeGreaterThan(last(steady));
    expect(last(declines)).toBeLessThan(last(steady));
    // The shock stops new members on day 50: none join after it.
    expect(last(shock)).toBe(shock[49]);
  });

  it("a scenario survives the trip through the URL hash, Chinese text included", () => {
    const scenario = { ...buildScenario(DEFAULT_DEMAND, DEFAULT_A), name: "增长后停滞 / stall" };
    const hash = scenarioHash(scenario);
    expect(hash).toMatch(/^#scenario=[A-Za-z0-9_-]+$/);
    expect(scenarioFromHash(hash)).toEqual(scenario);
    expect(scenarioFromHash("#scenario=%%%")).toBeNull();
    expect(scenarioFromHash("")).toBeNull();
  });
});
