/**
 * A plain table that scrolls sideways on phones, with a CSV export of exactly what the API returned
 * (raw decimal strings, not the locale-formatted text), so spreadsheets get exact amounts.
 */
import type { ReactNode } from "react";
import { useI18n } from "../i18n/index.js";
import { downloadCsv, toCsv } from "../lib/csv.js";
import { formatMoney, formatPoints, type Locale } from "../lib/format.js";

export interface Column<T> {
  key: string;
  label: ReactNode;
  /** What the cell shows (formatted). */
  render?: (row: T) => ReactNode;
  /** What the CSV holds (raw); defaults to the row's field named `key`. */
  csv?: (row: T) => unknown;
  numeric?: boolean;
}

type DecimalField<T> = { [K in keyof T]: T[K] extends string | null | undefined ? K : never }[keyof T] &
  string;

/** A numeric column of a money field (decimal string), formatted for the locale; the CSV keeps the raw text. */
export function moneyColumn<T>(key: DecimalField<T>, label: ReactNode, locale: Locale): Column<T> {
  return { key, label, numeric: true, render: (row) => formatMoney(row[key] as string | null, locale) };
}

/** A numeric column of a points field, shown with at most `decimals` decimals. */
export function pointsColumn<T>(
  key: DecimalField<T>,
  label: ReactNode,
  locale: Locale,
  decimals = 2,
): Column<T> {
  return {
    key,
    label,
    numeric: true,
    render: (row) => formatPoints(row[key] as string | null, locale, decimals),
  };
}

export function DataTable<T>({
  columns,
  rows,
  name,
  rowKey,
  exportAll,
}: {
  columns: Column<T>[];
  rows: T[];
  /** File name of the CSV export; no export button without it. */
  name?: string;
  rowKey: (row: T) => string | number;
  /** Loads every row for the export (all pages); defaults to the rows shown. */
  exportAll?: () => Promise<T[]>;
}) {
  const { t } = useI18n();
  const exportCsv = async () => {
    const all = exportAll ? await exportAll() : rows;
    downloadCsv(name ?? "export", toCsv(columns, all));
  };
  return (
    <div className="table-wrap" data-testid={name === undefined ? undefined : `table-${name}`}>
      {name === undefined ? null : (
        <div className="table-tools">
          <button
            type="button"
            className="btn btn-small btn-ghost"
            data-testid={`csv-${name}`}
            onClick={() => void exportCsv()}
          >
            {t("common.exportCsv")}
          </button>
        </div>
      )}
      {rows.length === 0 ? (
        <p className="muted">{t("common.none")}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column.key} className={column.numeric ? "num" : undefined}>
                  {column.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((column) => (
                  <td key={column.key} className={column.numeric ? "num" : undefined}>
                    {column.render
                      ? column.render(row)
                      : String((row as Record<string, unknown>)[column.key] ?? "")}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
