/**
 * CSV exports of a Monte Carlo result and of a sweep: one table per file, a header row, plain numbers
 * (yuan, points, fractions), so a spreadsheet can redo every chart.
 */
import { MONEY_NAMES, type MonteCarloResult, SERIES_NAMES } from "./aggregate.js";
import type { SweepResult } from "./sweep.js";

const cell = (value: unknown): string => {
  if (value === null || value === undefined || (typeof value === "number" && !Number.isFinite(value)))
    return "";
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

const table = (header: string[], rows: unknown[][]): string =>
  [header, ...rows].map((row) => row.map(cell).join(",")).join("\n") + "\n";

/** Daily P10/P50/P90 of every series. */
export function seriesCsv(result: MonteCarloResult): string {
  const header = ["day", ...SERIES_NAMES.flatMap((name) => [`${name}_p10`, `${name}_p50`, `${name}_p90`])];
  const days = result.bands.price.p50.length;
  const rows: unknown[][] = [];
  for (let day = 0; day < days; day++) {
    rows.push([
      day,
      ...SERIES_NAMES.flatMap((name) => [
        result.bands[name].p10[day],
        result.bands[name].p50[day],
        result.bands[name].p90[day],
      ]),
    ]);
  }
  return table(header, rows);
}

/** One row per entry cohort. */
export function cohortsCsv(result: MonteCarloResult): string {
  const header = [
    "start_day",
    "end_day",
    "members",
    "exited_share_p10",
    "exited_share_p50",
    "exited_share_p90",
    "reached_1x_share_p50",
    "reached_2x_share_p50",
    "days_to_exit_median",
    "realised_multiple_median_p10",
    "realised_multiple_median_p50",
    "realised_multiple_median_p90",
    "realised_multiple_p10",
    "realised_multiple_worst",
    "marked_multiple_median_p50",
    "waiting_180_share_p50",
    "waiting_365_share_p50",
    "cash_paid_p50",
    "cash_received_p50",
  ];
  const rows = result.cohorts.map((c) => [
    c.startDay,
    c.endDay,
    c.members,
    c.exitedShare.p10,
    c.exitedShare.p50,
    c.exitedShare.p90,
    c.reached1xShare.p50,
    c.reached2xShare.p50,
    c.daysToExitMedian,
    c.realisedMedian.p10,
    c.realisedMedian.p50,
    c.realisedMedian.p90,
    c.realisedP10,
    c.realisedWorst,
    c.markedMedian.p50,
    c.waiting180Share?.p50 ?? null,
    c.waiting365Share?.p50 ?? null,
    c.cashPaid.p50,
    c.cashReceived.p50,
  ]);
  return table(header, rows);
}

/** Where the money went, yuan, P10/P50/P90 across runs. */
export function moneyCsv(result: MonteCarloResult): string {
  return table(
    ["account", "p10", "p50", "p90"],
    MONEY_NAMES.map((name) => [name, result.money[name].p10, result.money[name].p50, result.money[name].p90]),
  );
}

/** One row per sweep cell. */
export function sweepCsv(sweep: SweepResult): string {
  const metrics = [
    "finalPrice",
    "lossShare",
    "firstCohortExitedShare",
    "backToMembersShare",
    "volumeForTwice",
  ] as const;
  return table(
    [...sweep.axes.map((axis) => axis.field), ...metrics],
    sweep.cells.map((c) => [...c.values, ...metrics.map((m) => c.metrics[m])]),
  );
}
