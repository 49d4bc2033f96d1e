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
                render: (row: Withdrawal) =>
                  row.payout ? `${t(`payout.channel.${row.payout.channel}`)} ${row.payout.destination}` : "",
              },
              {
                key: "payout",
                label: t("payout.state"),
                render: (row: Withdrawal) =>
                  row.payout
                    ? `${t(`payout.state.${row.payout.state}`)}${row.payout.failureReason ? ` (${row.payout.failureReason})` : ""}`
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
