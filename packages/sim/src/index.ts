/**
 * @zengzhi/sim — the simulator's browser-safe core: scenarios, seeded runs on the engine, Monte Carlo
 * aggregation, sweeps, summaries and CSV. No node: imports here; worker threads, files, the terminal
 * progress bar and the HTML report live in `@zengzhi/sim/node`.
 */
import { aggregateRuns, type MonteCarloResult } from "./aggregate.js";
import type { RunResult } from "./observe.js";
import { type ProgressCallback, runScenario } from "./run.js";
import type { Scenario } from "./scenario.js";

export * from "./aggregate.js";
export * from "./csv.js";
export * from "./demand.js";
export * from "./observe.js";
export { Random } from "./random.js";
export * from "./rule-change.js";
export { type ProgressCallback, type RunOptions, type StartState, runScenario, simulate } from "./run.js";
export * from "./scenario.js";
export * from "./summary.js";
export * from "./sweep.js";
export type { Counters, Series } from "./tracker.js";

/** The seeds of a Monte Carlo: run i uses seed + i, so any run can be repeated on its own. */
export function monteCarloSeeds(seed: number, runs: number): number[] {
  return Array.from({ length: runs }, (_, i) => seed + i);
}

/**
 * A Monte Carlo in the calling thread (the web page runs this inside a Web Worker; the CLI uses the
 * worker-thread version in @zengzhi/sim/node). Progress counts finished runs.
 */
export function runMonteCarlo(
  scenario: Scenario,
  options: { runs?: number; seed?: number; onProgress?: ProgressCallback } = {},
): MonteCarloResult {
  const seeds = monteCarloSeeds(options.seed ?? scenario.seed, options.runs ?? scenario.runs);
  const results: RunResult[] = [];
  for (const seed of seeds) {
    results.push(runScenario(scenario, seed));
    options.onProgress?.(results.length, seeds.length);
  }
  return aggregateRuns(scenario, results);
}
