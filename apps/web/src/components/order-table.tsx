/** Orders as a table, exportable as CSV with every page loaded: the merchant's and the operator's view. */
import { useSession } from "../lib/session.js";
import { useI18n } from "../i18n/index.js";
import { api, type Order } from "../lib/api.js";
import { formatDateTime } from "../lib/format.js";
import { loadAll } from "../lib/use-data.js";
import { DataTable, moneyColumn, pointsColumn } from "./table.js";
import { ActionButton } from "./ui.js";

export function OrderTable({
  orders,
  name = "orders",
  onRefund,
  onError,
}: {
  orders: Order[];
  name?: string;
  /** For roles that may refund: a button on each paid order (the provider's money goes back too). */
  onRefund?: (order: Order, idempotencyKey: string) => Promise<void>;
  onError?: (error: unknown) => void;
}) {
  const { t, locale } = useI18n();
  const refundColumn =
    onRefund === undefined
      ? []
      : [
          {
            key: "actions",
            label: t("common.actions"),
            csv: () => "",
            render: (row: Order) =>
              row.status === "paid" ? (
                <ActionButton
                  className="btn btn-small btn-ghost"
                  action={(key) => onRefund(row, key)}
                  {...(onError === undefined ? {} : { onError })}
                  data-testid={`refund-order-${row.id}`}
                >
                  {t("orders.refund")}
                </ActionButton>
              ) : null,
          },
        ];
  const { timeZone } = useSession();
  return (
    <DataTable<Order>
      name={name}
      rows={orders}
      rowKey={(row) => row.id}
      exportAll={() => loadAll((cursor) => api.orders(cursor))}
      columns={[
        { key: "id", label: t("common.id") },
        { key: "member", label: t("common.member") },
        { key: "merchant", label: t("common.merchant") },
        {
          key: "productId",
          label: t("shop.title"),
          render: (row) => row.productName,
          csv: (row) => row.productId,
        },
        moneyColumn("amount", t("common.amount"), locale),
        pointsColumn("points", t("common.points"), locale),
        { key: "status", label: t("common.status"), render: (row) => t(`orders.status.${row.status}`) },
        { key: "paidDay", label: t("common.day"), numeric: true },
        {
          key: "createdAt",
          label: t("common.date"),
          render: (row) => formatDateTime(row.createdAt, locale, timeZone),
        },
        ...refundColumn,
      ]}
    />
  );
}
