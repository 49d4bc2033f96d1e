/**
 * CSV export: RFC 4180 quoting, raw API values (exact decimal strings), a byte-order mark so
 * spreadsheet programs read the Chinese text as UTF-8, and cells that would start a formula defused.
 */
export interface CsvColumn<T> {
  key: string;
  /** What the CSV holds (raw); defaults to the row's field named `key`. */
  csv?: (row: T) => unknown;
}

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  // Quote fields that hold separators, quotes or line breaks; neutralise spreadsheet formulas.
  const safe = /^[=+\-@]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv<T>(columns: CsvColumn<T>[], rows: T[]): string {
  const header = columns.map((column) => csvCell(column.key)).join(",");
  const lines = rows.map((row) =>
    columns
      .map((column) => csvCell(column.csv ? column.csv(row) : (row as Record<string, unknown>)[column.key]))
      .join(","),
  );
  return [header, ...lines].join("\r\n") + "\r\n";
}

export function downloadCsv(name: string, text: string): void {
  const blob = new Blob(["\ufeff", text], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = `${name}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
