/**
 * Columns that several tables share: when a row was created, in the tenant's zone, and a row's one
 * action button (revoke, remove) shown only to those who may manage the rows.
 */
import type { ReactNode } from "react";
import { formatDateTime, type Locale } from "../lib/format.js";
import type { Column } from "./table.js";
import { ActionButton } from "./ui.js";

/** A `createdAt` column: date and time in the tenant's zone; the CSV keeps the API's ISO text. */
export function createdAtColumn<T extends { createdAt: string }>(
  label: ReactNode,
  zone: { locale: Locale; timeZone: string },
): Column<T> {
  return {
    key: "createdAt",
    label,
    render: (row) => formatDateTime(row.createdAt, zone.locale, zone.timeZone),
  };
}

/** A column of one danger button per row (nothing for a reader who may not manage); not in the CSV. */
export function rowActionColumn<T>(options: {
  manage: boolean;
  text: ReactNode;
  action: (row: T, idempotencyKey: string) => Promise<unknown>;
  onError: (error: unknown) => void;
  testId?: (row: T) => string;
}): Column<T> {
  return {
    key: "actions",
    label: "",
    csv: () => "",
    render: (row) =>
      options.manage ? (
        <ActionButton
          className="btn btn-small btn-danger"
          action={(key) => options.action(row, key)}
          onError={options.onError}
          data-testid={options.testId?.(row)}
        >
          {options.text}
        </ActionButton>
      ) : null,
  };
}
