/**
 * Monte Carlo aggregation: many runs of one scenario (different seeds) folded into P10/P50/P90 bands
 * over time, per-cohort spreads across runs, money flows and the volume multiples. Pure functions
 * over plain data, usable in the browser and in worker threads alike.
 */
import { type RuleSetJson, ruleSetToJson } from "@zengzhi/engine";
import { MULTIPLE_EDGES, type RunResult, quantileSorted } from "./observe.js";
import type { Scenario } from "./scenario.js";
import { summarize } from "./summary.js";
import type { Series } from "./tracker.js";

export interface Band {
  p10: number[];
  p50: number[];
  p90: number[];
}

export interface Quantiles {
  p10: number;
  p50: number;
  p90: number;
}

export const SERIES_NAMES = [
  "price",
  "pool",
  "supply",
  "members",
  "volume",
  "backToMembers",
  "exits",
] as const;
export type SeriesName = (typeof SERIES_NAMES)[number];

/** One entry cohort across all runs. Shares are fractions of the cohort's members (0–1). */
export interface CohortSummary {
  startDay: number;
  endDay: number;
  members: number;
  exitedShare: Quantiles;
  reached1xShare: Quantiles;
  reached2xShare: Quantiles;
  /** Median across runs of the cohort's median days to exit (null when no run had an exit). */
  daysToExitMedian: number | null;
  /** Across runs: the cohort's median realised multiple (cash back ÷ spend). */
  realisedMedian: Quantiles;
  /** Median across runs of the cohort's 10th-percentile realised multiple. */
  realisedP10: number;
  /** The lowest realised multiple of any member of this cohort in any run. */
  realisedWorst: number;
  /** Across runs: the cohort's median marked multiple ((cash + points at the final price) ÷ spend). */
  markedMedian: Quantiles;
  /**
   * Across runs: share of the cohort whose first position was still open 180 (365) days after
   * joining; null when the horizon ends before the cohort's members are that old.
   */
  waiting180Share: Quantiles | null;
  waiting365Share: Quantiles | null;
  /** Across runs, in yuan: what the cohort paid for its orders and the cash the engine paid it. */
  cashPaid: Quantiles;
  cashReceived: Quantiles;
}

export const MONEY_NAMES = [
  "paidByMembers",
  "financingIn",
  "toMerchants",
  "toDistribution",
  "toPlatform",
  "toPool",
  "backToMembers",
  "stillInPool",
  "subsidyBudgetLeft",
] as const;

export interface MonteCarloResult {
  scenario: {
    name: string;
    description: string;
    horizonDays: number;
    cohort: "week" | "month";
    rules: RuleSetJson;
  };
  runs: number;
  seeds: number[];
  bands: Record<SeriesName, Band>;
  cohorts: CohortSummary[];
  /** Yuan, across runs. */
  money: Record<(typeof MONEY_NAMES)[number], Quantiles>;
  volumeMultiple: {
    twice: Quantiles & { runsReached: number };
    thrice: Quantiles & { runsReached: number };
    /** Orders only, continuum limit: price ∝ pool^(1 − issueRatio), so 2× needs 2^(1/(1 − issueRatio)). */
    theory: { twice: number; thrice: number };
  };
  histogram: { edges: number[]; counts: number[] };
  totals: Record<"members" | "orders" | "sells" | "exits" | "resets", Quantiles>;
  /** Share of all members whose cash back was below their spend at the horizon, across runs. */
  lossShare: Quantiles;
  /**
   * Late joiners: the earliest cohort start from which, in at least 90% of runs, at most 10% of the
   * members who joined on or after it had received 2× their spend in cash. `runsShare` is the share of
   * runs where that held, `share2xMax` the highest share of 2× members among those runs.
   */
  lateJoiners: { fromDay: number; runsShare: number; share2xMax: number } | null;
  invariants: { runsChecked: number; runsBroken: number; firstProblem: string | null };
  /** A run from a live state: its positions at the start and, across runs, how many were force-exited. */
  start: { positions: number; open: number; exited: Quantiles };
  summary: string[];
}

function quantiles(values: number[]): Quantiles {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return {
    p10: quantileSorted(sorted, 0.1),
    p50: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
  };
}

function band(runs: RunResult[], name: keyof Series): Band {
  const days = runs[0]!.series[name].length;
  const result: Band = {
    p10: new Array<number>(days),
    p50: new Array<number>(days),
    p90: new Array<number>(days),
  };
  const column = new Float64Array(runs.length);
  for (let day = 0; day < days; day++) {
    for (let r = 0; r < runs.length; r++) column[r] = runs[r]!.series[name][day]!;
    column.sort();
    result.p10[day] = quantileSorted(column, 0.1);
    result.p50[day] = quantileSorted(column, 0.5);
    result.p90[day] = quantileSorted(column, 0.9);
  }
  return result;
}

function cohortSummaries(runs: RunResult[], horizonDays: number): CohortSummary[] {
  const byStart = new Map<number, RunResult["cohorts"]>();
  for (const run of runs) {
    for (const cohort of run.cohorts) {
      const list = byStart.get(cohort.startDay) ?? [];
      list.push(cohort);
      byStart.set(cohort.startDay, list);
    }
  }
  const cohortDays = runs[0]!.cohortDays;
  return [...byStart.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([startDay, list]) => {
      const share = (pick: (c: (typeof list)[number]) => number) =>
        quantiles(list.map((c) => pick(c) / c.members));
      const exitDays = list.map((c) => c.daysToExitMedian).filter((d): d is number => d !== null);
      const waiting = (pick: (c: (typeof list)[number]) => [number, number]) => {
        const shares = list.map(pick).filter(([, eligible]) => eligible > 0);
        return shares.length === 0 ? null : quantiles(shares.map(([count, eligible]) => count / eligible));
      };
      return {
        startDay,
        endDay: Math.min(startDay + cohortDays, horizonDays) - 1,
        members: quantiles(list.map((c) => c.members)).p50,
        exitedShare: share((c) => c.exited),
        reached1xShare: share((c) => c.reached1x),
        reached2xShare: share((c) => c.reached2x),
        daysToExitMedian: exitDays.length === 0 ? null : quantiles(exitDays).p50,
        realisedMedian: quantiles(list.map((c) => c.realised.p50)),
        realisedP10: quantiles(list.map((c) => c.realised.p10)).p50,
        realisedWorst: Math.min(...list.map((c) => c.realised.min)),
        markedMedian: quantiles(list.map((c) => c.marked.p50)),
        waiting180Share: waiting((c) => [c.waiting180, c.eligible180]),
        waiting365Share: waiting((c) => [c.waiting365, c.eligible365]),
        cashPaid: quantiles(list.map((c) => c.cashPaid)),
        cashReceived: quantiles(list.map((c) => c.cashReceived)),
      };
    });
}

/** The earliest cohort start from which, in 90% of runs, at most 10% of later joiners got 2× back. */
function lateJoiners(runs: RunResult[]): MonteCarloResult["lateJoiners"] {
  const starts = [...new Set(runs.flatMap((run) => run.cohorts.map((c) => c.startDay)))].sort(
    (a, b) => a - b,
  );
  for (const day of starts) {
    const shares: number[] = [];
    for (const run of runs) {
      let members = 0;
      let reached = 0;
      for (const c of run.cohorts) {
        if (c.startDay < day) continue;
        members += c.members;
        reached += c.reached2x;
      }
      if (members > 0) shares.push(reached / members);
    }
    const few = shares.filter((share) => share <= 0.1);
    if (shares.length > 0 && few.length >= 0.9 * shares.length) {
      return { fromDay: day, runsShare: few.length / shares.length, share2xMax: Math.max(...few) };
    }
  }
  return null;
}

function volumeQuantiles(values: (number | null)[]): Quantiles & { runsReached: number } {
  const reached = values.filter((v): v is number => v !== null);
  return { ...quantiles(reached), runsReached: reached.length };
}

/** Folds the runs of one scenario into bands, cohort spreads and the plain-language summary. */
export function aggregateRuns(scenario: Scenario, runs: RunResult[]): MonteCarloResult {
  if (runs.length === 0) throw new Error("aggregateRuns needs at least one run");
  const bands = Object.fromEntries(SERIES_NAMES.map((name) => [name, band(runs, name)])) as Record<
    SeriesName,
    Band
  >;
  const money = Object.fromEntries(
    MONEY_NAMES.map((name) => [name, quantiles(runs.map((run) => Number(run.money[name])))]),
  ) as MonteCarloResult["money"];
  const counts = MULTIPLE_EDGES.map((_, i) => runs.reduce((sum, run) => sum + run.histogram[i]!, 0));
  const issueRatio = Number(scenario.rules.issueRatio) / 1e9;
  const broken = runs.filter((run) => run.invariants.length > 0);
  const total = (pick: (run: RunResult) => number) => quantiles(runs.map(pick));
  const result: MonteCarloResult = {
    scenario: {
      name: scenario.name,
      description: scenario.description,
      horizonDays: scenario.horizonDays,
      cohort: scenario.cohort,
      rules: ruleSetToJson(scenario.rules),
    },
    runs: runs.length,
    seeds: runs.map((run) => run.seed),
    bands,
    cohorts: cohortSummaries(runs, scenario.horizonDays),
    money,
    volumeMultiple: {
      twice: volumeQuantiles(runs.map((run) => run.volumeMultiple.twice)),
      thrice: volumeQuantiles(runs.map((run) => run.volumeMultiple.thrice)),
      theory: { twice: 2 ** (1 / (1 - issueRatio)), thrice: 3 ** (1 / (1 - issueRatio)) },
    },
    histogram: { edges: MULTIPLE_EDGES, counts },
    totals: {
      members: total((run) => run.counters.members),
      orders: total((run) => run.counters.orders),
      sells: total((run) => run.counters.sells),
      exits: total((run) => run.counters.exits),
      resets: total((run) => run.counters.resets),
    },
    lossShare: quantiles(
      runs.map((run) => {
        const members = run.histogram.reduce((a, b) => a + b, 0);
        const below = run.histogram.slice(0, MULTIPLE_EDGES.indexOf(1)).reduce((a, b) => a + b, 0);
        return members === 0 ? NaN : below / members;
      }),
    ),
    lateJoiners: lateJoiners(runs),
    invariants: {
      runsChecked: runs.length,
      runsBroken: broken.length,
      firstProblem: broken[0]?.invariants[0] ?? null,
    },
    start: {
      positions: runs[0]!.start.positions,
      open: runs[0]!.start.open,
      exited: total((run) => run.start.exited),
    },
    summary: [],
  };
  result.summary = summarize(scenario, result);
  return result;
}
