/**
 * Cohort outcomes by the day range members joined in: the simulator page and the rule-change preview
 * show the same table (share that reached exit, median days to exit, share still waiting after 180 and
 * 365 days, cash paid versus cash received), each from the median (P50) of its Monte Carlo runs.
 */
import { useI18n } from "../i18n/index.js";
import { formatMoney, formatNumber } from "../lib/format.js";
import { DataTable } from "./table.js";

/** One cohort's medians; null (or undefined) where no run had a figure. */
export interface CohortRow {
  startDay: number;
  endDay: number;
  members: number;
  exitedShare: number | null;
  daysToExitMedian: number | null;
  waiting180Share: number | null | undefined;
  waiting365Share: number | null | undefined;
  cashPaid: number | null;
  cashReceived: number | null;
}

/** A share (0–1) as a percentage with one decimal; "—" when no run had it. */
export const percent = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? "—" : `${(x * 100).toFixed(1)}%`;

export function CohortTable({ rows, name }: { rows: readonly CohortRow[]; name: string }) {
  const { t, locale } = useI18n();
  const yuan = (x: number | null) => (x === null ? "—" : formatMoney(x.toFixed(2), locale));
  return (
    <DataTable<CohortRow>
      name={name}
      rows={[...rows]}
      rowKey={(row) => row.startDay}
      columns={[
        { key: "startDay", label: t("forecast.cohort"), render: (row) => `${row.startDay}–${row.endDay}` },
        {
          key: "members",
          label: t("forecast.members"),
          numeric: true,
          render: (row) => formatNumber(row.members, locale, 0),
        },
        {
          key: "exitedShare",
          label: t("forecast.exited"),
          numeric: true,
          render: (row) => percent(row.exitedShare),
        },
        {
          key: "daysToExitMedian",
          label: t("forecast.daysToExit"),
          numeric: true,
          render: (row) => formatNumber(row.daysToExitMedian, locale, 0),
        },
        {
          key: "waiting180Share",
          label: t("forecast.waiting180"),
          numeric: true,
          render: (row) => percent(row.waiting180Share),
        },
        {
          key: "waiting365Share",
          label: t("forecast.waiting365"),
          numeric: true,
          render: (row) => percent(row.waiting365Share),
        },
        {
          key: "cashPaid",
          label: t("forecast.cashPaid"),
          numeric: true,
          render: (row) => yuan(row.cashPaid),
        },
        {
          key: "cashReceived",
          label: t("forecast.cashReceived"),
          numeric: true,
          render: (row) => yuan(row.cashReceived),
        },
      ]}
    />
  );
}
