/**
 * `zengzhi simulate SCENARIO.json`: a Monte Carlo (or a sweep) of a scenario on worker threads,
 * with the plain-language summary on stdout and JSON, CSV and the offline HTML report on request.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  ScenarioError,
  type SweepAxis,
  SweepError,
  cohortsCsv,
  moneyCsv,
  parseSweepAxis,
  seriesCsv,
  sweepCsv,
} from "@zengzhi/sim";
import { ProgressBar, buildReport, monteCarlo, readScenarioFile, sweep } from "@zengzhi/sim/node";
import { UsageError } from "./main.js";

export const SIMULATE_USAGE = `usage: zengzhi simulate SCENARIO.json [options]
  --runs N          Monte Carlo runs (default: the scenario's "runs")
  --seed S          first seed; run i uses S + i (default: the scenario's "seed")
  --threads T       worker threads (default: all cores)
  --sweep F=VALUES  sweep rule field F over VALUES ("2,3,4" or "0.5:0.9:0.1"); repeat for a grid (up to 3)
  --json FILE       write the result as JSON ("-" for stdout)
  --csv DIR         write series.csv, cohorts.csv, money.csv (and sweep.csv) into DIR
  --report FILE     write the self-contained HTML report
  --quiet           no progress bar, no summary on stdout`;

interface Options {
  file: string;
  runs?: number;
  seed?: number;
  threads?: number;
  axes: SweepAxis[];
  json?: string;
  csv?: string;
  report?: string;
  quiet: boolean;
}

function integer(flag: string, text: string | undefined, min: number): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < min) {
    throw new UsageError(`${flag} needs a whole number of at least ${min}`);
  }
  return value;
}

function parseArgs(args: string[]): Options {
  const options: Options = { file: "", axes: [], quiet: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = () => {
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === "--runs") options.runs = integer(arg, value(), 1);
    else if (arg === "--seed") options.seed = integer(arg, value(), 0);
    else if (arg === "--threads") options.threads = integer(arg, value(), 1);
    else if (arg === "--sweep") options.axes.push(parseSweepAxis(value()));
    else if (arg === "--json") options.json = value();
    else if (arg === "--csv") options.csv = value();
    else if (arg === "--report") options.report = value();
    else if (arg === "--quiet") options.quiet = true;
    else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}\n${SIMULATE_USAGE}`);
    else if (options.file === "") options.file = arg;
    else throw new UsageError(`one scenario file only (got ${options.file} and ${arg})`);
  }
  if (options.file === "") throw new UsageError(SIMULATE_USAGE);
  return options;
}

async function write(file: string, text: string): Promise<void> {
  if (file === "-") {
    process.stdout.write(text);
    return;
  }
  try {
    await writeFile(file, text);
  } catch (error) {
    throw new UsageError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? "unknown error"}`);
  }
}

async function run(options: Options): Promise<number> {
  const { raw, scenario } = await readScenarioFile(options.file);
  const runs = options.runs ?? scenario.runs;
  const bar = new ProgressBar(
    options.axes.length > 0 ? "sweep" : `simulate ${runs} run${runs === 1 ? "" : "s"}`,
  );
  const parallel = {
    runs,
    seed: options.seed ?? scenario.seed,
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    ...(options.quiet ? {} : { onProgress: (f: number) => bar.update(f) }),
  };
  const swept = options.axes.length > 0 ? await sweep(raw, options.axes, parallel) : undefined;
  const mc = swept === undefined ? (await monteCarlo(raw, parallel)).result : undefined;
  bar.done();
  const generatedBy = `zengzhi simulate ${path.basename(options.file)}, ${runs} run(s) per ${swept ? "cell" : "scenario"} from seed ${parallel.seed}, ${new Date().toISOString()}`;
  if (options.json !== undefined) {
    await write(options.json, JSON.stringify(swept ?? mc, null, 2) + "\n");
  }
  if (options.csv !== undefined) {
    await mkdir(options.csv, { recursive: true }).catch(() => undefined);
    if (mc !== undefined) {
      await write(path.join(options.csv, "series.csv"), seriesCsv(mc));
      await write(path.join(options.csv, "cohorts.csv"), cohortsCsv(mc));
      await write(path.join(options.csv, "money.csv"), moneyCsv(mc));
    }
    if (swept !== undefined) await write(path.join(options.csv, "sweep.csv"), sweepCsv(swept));
  }
  if (options.report !== undefined) {
    const input = {
      title:
        swept === undefined
          ? scenario.name
          : `${scenario.name}: sweep of ${options.axes.map((a) => a.field).join(" × ")}`,
      scenarioRaw: raw,
      generatedBy,
      ...(mc ? { monteCarlo: mc } : {}),
      ...(swept ? { sweep: swept } : {}),
    };
    await write(options.report, await buildReport(input));
  }
  if (!options.quiet && options.json !== "-") {
    const summary = mc?.summary ?? [];
    process.stdout.write(summary.map((s) => `- ${s}`).join("\n") + (summary.length > 0 ? "\n" : ""));
    if (swept !== undefined) {
      for (const cell of swept.cells) {
        const at = swept.axes.map((a, i) => `${a.field}=${cell.values[i]}`).join(" ");
        const m = cell.metrics;
        process.stdout.write(
          `${at}: final price ${m.finalPrice.toFixed(4)}, ${Math.round(m.lossShare * 100)}% got back less than they paid, ` +
            `first cohort exited ${Math.round(m.firstCohortExitedShare * 100)}%\n`,
        );
      }
    }
  }
  return 0;
}

export async function simulateCommand(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(SIMULATE_USAGE);
    return 0;
  }
  try {
    return await run(parseArgs(args));
  } catch (error) {
    if (error instanceof ScenarioError || error instanceof SweepError) throw new UsageError(error.message);
    throw error;
  }
}
