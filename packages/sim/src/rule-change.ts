/**
 * Rule changes judged on the live scheme: the same demand, run from a copy of a live engine, under
 * the rules in force and under a proposed rule set. Run i of both sides uses the same seed, so the
 * difference between the sides comes from the rules and not from the dice.
 */
import {
  type Engine,
  PRICE_DECIMALS,
  engineFromSnapshot,
  formatDecimal,
  formatMoney,
  formatPoints,
  ruleSetToJson,
} from "@zengzhi/engine";
import { type MonteCarloResult, aggregateRuns } from "./aggregate.js";
import { orderWeightFor } from "./demand.js";
import type { RunResult } from "./observe.js";
import { type ProgressCallback, type StartState, simulate } from "./run.js";
import { type Scenario, type ScenarioInput, parseScenario } from "./scenario.js";

/** What a rule-change preview needs: the live state, the draft, and the demand to run it under. */
export interface RuleChangeInput {
  /** The live engine's `engineSnapshot` text; every run restores its own copy from it. */
  snapshot: string;
  /** Live members who go on ordering in the runs (e.g. those who ordered in the fitted window). */
  members?: readonly string[];
  /** The proposed rule set (its JSON form, as the rules page edits it). */
  proposedRules: Record<string, unknown>;
  horizonDays: number;
  runs: number;
  seed: number;
  demand: ScenarioInput["demand"];
  behaviour?: ScenarioInput["behaviour"];
  cohort?: "week" | "month";
  /**
   * Members each simulated member stands for (the scenario's orderWeight); by default the weight
   * that keeps a run near EXACT_ORDERS_PER_DAY engine orders a day (`orderWeightFor`). Both sides
   * use the same weight.
   */
  orderWeight?: number;
}

export type RuleChangeSide = "current" | "proposed";

export interface RuleChangeComparison {
  /** The live state the runs started from. */
  start: { day: number; price: string; pool: string; supply: string; openPositions: number };
  current: MonteCarloResult;
  proposed: MonteCarloResult;
}

/** The two scenarios of a comparison: the live rule set and the draft, with the same demand. */
export function ruleChangeScenarios(input: RuleChangeInput, live: Engine): Record<RuleChangeSide, Scenario> {
  const common = {
    horizonDays: input.horizonDays,
    seed: input.seed,
    runs: input.runs,
    cohort: input.cohort ?? "month",
    demand: input.demand,
    ...(input.behaviour === undefined ? {} : { behaviour: input.behaviour }),
  };
  const current = parseScenario({ ...common, name: "current", rules: ruleSetToJson(live.rules) });
  const orderWeight = input.orderWeight ?? orderWeightFor(current, input.members?.length ?? 0);
  return {
    current: { ...current, orderWeight },
    proposed: parseScenario({ ...common, orderWeight, name: "proposed", rules: input.proposedRules }),
  };
}

/** How a run of one side starts: a fresh copy of the live engine, the draft installed on the proposed side. */
export function ruleChangeStart(input: RuleChangeInput, side: RuleChangeSide): StartState {
  return {
    engine: () => engineFromSnapshot(input.snapshot),
    applyRules: side === "proposed",
    members: input.members ?? [],
  };
}

/** The live state in the comparison's terms (price to the engine's 8 places, money in yuan). */
export function startSummary(live: Engine): RuleChangeComparison["start"] {
  return {
    day: live.day,
    openPositions: live.openPositionCount(),
    price: formatDecimal(live.priceUnits(), PRICE_DECIMALS),
    pool: formatMoney(live.pool),
    supply: formatPoints(live.supply),
  };
}

/** Folds the runs of both sides (each in seed order) into the comparison. */
export function aggregateRuleChange(
  scenarios: Record<RuleChangeSide, Scenario>,
  start: RuleChangeComparison["start"],
  runs: Record<RuleChangeSide, RunResult[]>,
): RuleChangeComparison {
  return {
    start,
    current: aggregateRuns(scenarios.current, runs.current),
    proposed: aggregateRuns(scenarios.proposed, runs.proposed),
  };
}

/**
 * The whole comparison in the calling thread: `runs` runs of each side, from copies of the live
 * state. Progress counts finished runs of both sides. `@zengzhi/sim/node`'s `compareRuleChangeParallel`
 * does the same on worker threads and gives the same result.
 */
export function compareRuleChange(
  input: RuleChangeInput,
  onProgress?: ProgressCallback,
): RuleChangeComparison {
  const live = engineFromSnapshot(input.snapshot);
  const scenarios = ruleChangeScenarios(input, live);
  const runs: Record<RuleChangeSide, RunResult[]> = { current: [], proposed: [] };
  let done = 0;
  for (let i = 0; i < input.runs; i++) {
    for (const side of ["current", "proposed"] as const) {
      const start = ruleChangeStart(input, side);
      runs[side].push(simulate(scenarios[side], input.seed + i, { start }).result);
      onProgress?.(++done, 2 * input.runs);
    }
  }
  return aggregateRuleChange(scenarios, startSummary(live), runs);
}
