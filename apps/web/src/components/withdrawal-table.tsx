/** Withdrawals as a table: the member's own history, or the operator's queue with a column of actions. */
import type { ReactNode } from "react";
import { useI18n } from "../i18n/index.js";
import type { Withdrawal } from "../lib/api.js";
import { formatDate } from "../lib/format.js";
import { DataTable, moneyColumn } from "./table.js";

export function WithdrawalTable({
  rows,
  actions,
  name,
}: {
  rows: Withdrawal[];
  actions?: (row: Withdrawal) => ReactNode;
  name?: string;
}) {
  const { t, locale } = useI18n();
  return (
    <DataTable<Withdrawal>
      name={name}
      rows={rows}
      rowKey={(row) => row.id}
      columns={[
        { key: "id", label: t("common.id") },
        ...(actions === undefined ? [] : [{ key: "member", label: t("common.member") }]),
        moneyColumn("amount", t("common.amount"), locale),
        { key: "date", label: t("statement.date"), render: (row) => formatDate(row.date, locale) },
        { key: "status", label: t("common.status"), render: (row) => t(`withdrawal.${row.status}`) },
        ...(actions === undefined
          ? []
          : [
              {
                key: "destination",
                label: t("payout.destination"),
                // The sandbox pays nobody real: its channel's name says all there is.
                render: (row: Withdrawal) =>
                  row.payout === undefined || row.payout === null
                    ? ""
                    : row.payout.channel === "sandbox"
                      ? t("payout.channel.sandbox")
                      : `${t(`payout.channel.${row.payout.channel}`)} ${row.payout.destination}`,
              },
              {
                key: "payout",
                label: t("payout.state"),
                // A provider's failure reason is its own code: kept for the operator in the title.
                render: (row: Withdrawal) =>
                  row.payout ? (
                    <span title={row.payout.failureReason ?? undefined}>
                      {t(`payout.state.${row.payout.state}`)}
                    </span>
                  ) : (
                    ""
                  ),
                csv: (row: Withdrawal) =>
                  row.payout
                    ? `${row.payout.state}${row.payout.failureReason ? `: ${row.payout.failureReason}` : ""}`
                    : "",
              },
              {
                key: "providerReference",
                label: t("payout.providerReference"),
                render: (row: Withdrawal) => row.payout?.providerReference ?? "",
              },
              { key: "actions", label: t("common.actions"), render: actions, csv: () => "" },
            ]),
      ]}
    />
  );
}
