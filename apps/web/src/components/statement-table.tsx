/**
 * A statement (资金明细, 积分明细, a merchant's statement) as a paged table: time in the tenant's
 * zone, kind in words, change and balance after; "load more" pages on, and the CSV export holds every
 * line with the API's exact values.
 */
import { useEffect, useState } from "react";
import { useI18n } from "../i18n/index.js";
import type { Page, StatementAccountName, StatementEntry } from "../lib/api.js";
import { formatDate, formatDateTime, formatMoney, formatPoints, formatTime } from "../lib/format.js";
import { useSession } from "../lib/session.js";
import { loadAll } from "../lib/use-data.js";
import { ErrorBox } from "./ui.js";
import { DataTable } from "./table.js";

export function StatementTable({
  account,
  load,
  name,
}: {
  account: StatementAccountName;
  load: (account: StatementAccountName, cursor: string | null) => Promise<Page<StatementEntry>>;
  name: string;
}) {
  const { t, locale } = useI18n();
  const { timeZone } = useSession();
  const [rows, setRows] = useState<StatementEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const more = (cursor: string | null, replace: boolean) =>
    load(account, cursor)
      .then((page) => {
        setRows((shown) => (replace ? page.items : [...shown, ...page.items]));
        setNext(page.nextCursor);
        setError(null);
      })
      .catch(setError);
  useEffect(() => {
    void more(null, true);
  }, [account]);
  const amount = (text: string | null) =>
    account === "points" ? formatPoints(text, locale, 4) : formatMoney(text, locale);
  return (
    <>
      {error === null ? null : <ErrorBox error={error} />}
      <DataTable<StatementEntry>
        name={name}
        rows={rows}
        rowKey={(row) => `${row.seq}:${row.line}`}
        exportAll={() => loadAll((cursor) => load(account, cursor))}
        columns={[
          // The scheme's date the line belongs to (closes move it at local midnight), then the
          // moment it was committed, both in the tenant's zone.
          { key: "date", label: t("statement.date"), render: (row) => formatDate(row.date, locale) },
          {
            key: "at",
            label: t("statement.time"),
            // The time of day; the full instant (ISO 8601 with offset) is its tooltip and the CSV's.
            render: (row) => (
              <span title={formatDateTime(row.at, locale, timeZone)}>
                {formatTime(row.at, locale, timeZone)}
              </span>
            ),
          },
          {
            key: "kind",
            label: t("statement.kind"),
            render: (row) => t(`statement.kind.${row.kind}`),
            csv: (row) => t(`statement.kind.${row.kind}`),
          },
          {
            key: "amount",
            label: t("statement.change"),
            numeric: true,
            render: (row) =>
              (row.amount.startsWith("-") || row.detail !== null ? "" : "+") + amount(row.amount),
          },
          {
            key: "balance",
            label: t("statement.balance"),
            numeric: true,
            render: (row) => amount(row.balance),
          },
          {
            key: "detail",
            label: t("statement.detail"),
            numeric: true,
            render: (row) => (row.detail === null ? "" : amount(row.detail)),
          },
        ]}
      />
      {next === null ? null : (
        <button
          type="button"
          className="btn btn-small btn-block"
          data-testid={`more-${name}`}
          onClick={() => void more(next, false)}
        >
          {t("statement.more")}
        </button>
      )}
    </>
  );
}
