/**
 * @zengzhi/sim/node — the simulator's Node.js shell: Monte Carlo and sweeps over worker threads,
 * scenario files, the terminal progress bar and the offline HTML report. The browser-safe core is
 * `@zengzhi/sim`.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import { Worker } from "node:worker_threads";
import { engineFromSnapshot, ruleSetToJson } from "@zengzhi/engine";
import { type MonteCarloResult, aggregateRuns } from "./aggregate.js";
import { monteCarloSeeds } from "./index.js";
import type { RunResult } from "./observe.js";
import { type ReportInput, reportHtml } from "./report-html.js";
import { type ProgressCallback, simulate } from "./run.js";
import {
  type RuleChangeComparison,
  type RuleChangeInput,
  aggregateRuleChange,
  ruleChangeScenarios,
  startSummary,
} from "./rule-change.js";
import { ScenarioError, type Scenario, parseScenario } from "./scenario.js";
import { type SweepAxis, type SweepResult, sweepCells, sweepMetrics } from "./sweep.js";

export { ProgressBar } from "./progress.js";

export interface WorkerJob {
  id: number;
  scenarioText: string;
  seed: number;
  /**
   * A run from a live state: the snapshot text (sent only when it differs from the worker's last
   * one; otherwise null, meaning "the same as before") and whether the scenario's rules are installed.
   */
  start?: { snapshot: string | null; members: readonly string[] | null; applyRules: boolean };
}

/** One job of `runJobs`: a scenario's JSON, a seed and, for a run from a live state, where it starts. */
export interface Job {
  raw: unknown;
  seed: number;
  start?: { snapshot: string; members?: readonly string[]; applyRules: boolean };
}

export type WorkerReply =
  { job: number; progress: number } | { job: number; result: RunResult } | { job: number; error: string };

/** Reads and validates a scenario file; a file problem is reported as a ScenarioError with path "". */
export async function readScenarioFile(file: string): Promise<{ raw: unknown; scenario: Scenario }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ScenarioError(
      "",
      `cannot read ${file}: ${code === "ENOENT" ? "no such file" : (code ?? "unknown error")}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError("", `${file} is not valid JSON: ${(error as Error).message}`);
  }
  return { raw, scenario: parseScenario(raw) };
}

export interface ParallelOptions {
  /** Worker threads; default: the machine's available parallelism. 1 runs in this thread. */
  threads?: number;
  /** Fraction of all jobs done (0–1), called often; throttle the display yourself. */
  onProgress?: (fraction: number) => void;
  /**
   * Run on worker threads even with one thread, so the calling thread stays free (a service whose
   * event loop carries the ledger's writer). Default false: one thread runs in this thread.
   */
  alwaysWorkers?: boolean;
}

const WORKER_URL = new URL("../dist/worker.js", import.meta.url);

/** Runs (scenario, seed) jobs on a pool of worker threads; results come back in job order. */
export async function runJobs(jobs: Job[], options: ParallelOptions = {}): Promise<RunResult[]> {
  const threads = Math.max(1, Math.min(options.threads ?? os.availableParallelism(), jobs.length));
  const progress = new Float64Array(jobs.length);
  const report = () => options.onProgress?.(progress.reduce((a, b) => a + b, 0) / jobs.length);
  if (threads === 1 && options.alwaysWorkers !== true) {
    return jobs.map((job, i) => {
      const onProgress = (done: number, total: number) => {
        progress[i] = done / total;
        report();
      };
      const start =
        job.start === undefined
          ? {}
          : { start: { ...job.start, engine: () => engineFromSnapshot(job.start!.snapshot) } };
      return simulate(parseScenario(job.raw), job.seed, { onProgress, ...start }).result;
    });
  }
  const texts = jobs.map((job) => JSON.stringify(job.raw));
  const results = new Array<RunResult | undefined>(jobs.length);
  let next = 0;
  const workers = Array.from({ length: threads }, () => new Worker(WORKER_URL));
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            let lastSnapshot: string | null = null;
            const send = () => {
              if (next >= jobs.length) return resolve();
              const id = next++;
              const job: WorkerJob = { id, scenarioText: texts[id]!, seed: jobs[id]!.seed };
              const start = jobs[id]!.start;
              if (start !== undefined) {
                // A snapshot can be tens of megabytes: each worker receives it once.
                const same = start.snapshot === lastSnapshot;
                job.start = {
                  snapshot: same ? null : start.snapshot,
                  members: same ? null : (start.members ?? []),
                  applyRules: start.applyRules,
                };
                lastSnapshot = start.snapshot;
              }
              worker.postMessage(job);
            };
            worker.on("message", (reply: WorkerReply) => {
              if ("progress" in reply) {
                progress[reply.job] = reply.progress;
                report();
              } else if ("error" in reply) {
                reject(new Error(`run with seed ${jobs[reply.job]!.seed}: ${reply.error}`));
              } else {
                results[reply.job] = reply.result;
                progress[reply.job] = 1;
                report();
                send();
              }
            });
            worker.on("error", reject);
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return results as RunResult[];
}

/** A Monte Carlo over `runs` seeds (seed, seed + 1, ...) on worker threads. */
export async function monteCarlo(
  raw: unknown,
  options: ParallelOptions & { runs?: number; seed?: number } = {},
): Promise<{ scenario: Scenario; result: MonteCarloResult; runs: RunResult[] }> {
  const scenario = parseScenario(raw);
  const seeds = monteCarloSeeds(options.seed ?? scenario.seed, options.runs ?? scenario.runs);
  const runs = await runJobs(
    seeds.map((seed) => ({ raw, seed })),
    options,
  );
  return { scenario, result: aggregateRuns(scenario, runs), runs };
}

/** A sweep: one Monte Carlo of `runs` seeds per grid cell, all cells sharing the worker pool. */
export async function sweep(
  raw: unknown,
  axes: SweepAxis[],
  options: ParallelOptions & { runs?: number; seed?: number } = {},
): Promise<SweepResult> {
  const cells = sweepCells(raw, axes);
  const base = parseScenario(raw);
  const seeds = monteCarloSeeds(options.seed ?? base.seed, options.runs ?? base.runs);
  const jobs = cells.flatMap((cell) => seeds.map((seed) => ({ raw: cell.raw, seed })));
  const runs = await runJobs(jobs, options);
  return {
    axes,
    runsPerCell: seeds.length,
    cells: cells.map((cell, i) => {
      const result = aggregateRuns(cell.scenario, runs.slice(i * seeds.length, (i + 1) * seeds.length));
      return { values: cell.values, metrics: sweepMetrics(result), summary: result.summary };
    }),
  };
}

/**
 * A rule-change comparison (see `compareRuleChange`) on worker threads: the runs of both sides share
 * the pool, each worker receives the live snapshot once. Gives the same result as the one-thread version.
 */
export async function compareRuleChangeParallel(
  input: RuleChangeInput,
  options: ParallelOptions = {},
): Promise<RuleChangeComparison> {
  const live = engineFromSnapshot(input.snapshot);
  const scenarios = ruleChangeScenarios(input, live);
  const weight = scenarios.current.orderWeight;
  const raw = {
    current: scenarioJson(input, ruleSetToJson(live.rules), weight),
    proposed: scenarioJson(input, input.proposedRules, weight),
  };
  const seeds = monteCarloSeeds(input.seed, input.runs);
  const jobs = seeds.flatMap((seed) =>
    (["current", "proposed"] as const).map((side) => ({
      raw: raw[side],
      seed,
      start: { snapshot: input.snapshot, members: input.members ?? [], applyRules: side === "proposed" },
    })),
  );
  const runs = await runJobs(jobs, options);
  return aggregateRuleChange(scenarios, startSummary(live), {
    current: runs.filter((_, i) => i % 2 === 0),
    proposed: runs.filter((_, i) => i % 2 === 1),
  });
}

function scenarioJson(input: RuleChangeInput, rules: unknown, orderWeight: number): unknown {
  return {
    orderWeight,
    horizonDays: input.horizonDays,
    seed: input.seed,
    runs: input.runs,
    cohort: input.cohort ?? "month",
    demand: input.demand,
    ...(input.behaviour === undefined ? {} : { behaviour: input.behaviour }),
    rules,
  };
}

/** The offline HTML report, with uPlot's script and stylesheet inlined from node_modules. */
export async function buildReport(input: ReportInput): Promise<string> {
  const require = createRequire(import.meta.url);
  const [script, style] = await Promise.all([
    readFile(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
    readFile(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
  ]);
  return reportHtml(input, { script, style });
}

export type { ProgressCallback };
