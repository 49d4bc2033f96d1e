/**
 * @zengzhi/sim/node — the simulator's Node.js shell: Monte Carlo and sweeps over worker threads,
 * scenario files, the terminal progress bar and the offline HTML report. The browser-safe core is
 * `@zengzhi/sim`.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import { Worker } from "node:worker_threads";
import { type MonteCarloResult, aggregateRuns } from "./aggregate.js";
import { monteCarloSeeds } from "./index.js";
import type { RunResult } from "./observe.js";
import { type ReportInput, reportHtml } from "./report-html.js";
import { type ProgressCallback, runScenario } from "./run.js";
import { ScenarioError, type Scenario, parseScenario } from "./scenario.js";
import { type SweepAxis, type SweepResult, sweepCells, sweepMetrics } from "./sweep.js";

export { ProgressBar } from "./progress.js";

export interface WorkerJob {
  id: number;
  scenarioText: string;
  seed: number;
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
}

const WORKER_URL = new URL("../dist/worker.js", import.meta.url);

/** Runs (scenario, seed) jobs on a pool of worker threads; results come back in job order. */
export async function runJobs(
  jobs: { raw: unknown; seed: number }[],
  options: ParallelOptions = {},
): Promise<RunResult[]> {
  const threads = Math.max(1, Math.min(options.threads ?? os.availableParallelism(), jobs.length));
  const progress = new Float64Array(jobs.length);
  const report = () => options.onProgress?.(progress.reduce((a, b) => a + b, 0) / jobs.length);
  if (threads === 1) {
    return jobs.map((job, i) => {
      const result = runScenario(parseScenario(job.raw), job.seed, (done, total) => {
        progress[i] = done / total;
        report();
      });
      return result;
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
            const send = () => {
              if (next >= jobs.length) return resolve();
              const id = next++;
              worker.postMessage({ id, scenarioText: texts[id]!, seed: jobs[id]!.seed } satisfies WorkerJob);
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
