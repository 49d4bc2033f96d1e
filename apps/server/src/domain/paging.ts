/** Pages of lists: opaque cursors (base64url of the last key seen) and pages built from limit+1 rows. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Cursors are opaque to clients: base64url of the last key seen. */
export const encodeCursor = (value: string | number): string =>
  Buffer.from(String(value)).toString("base64url");
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  return Buffer.from(cursor, "base64url").toString();
}

/** Builds a page from up to limit+1 rows (the extra one only tells whether more exist). */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  key: (row: R) => string | number,
  view: (row: R) => T,
): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items: items.map(view), nextCursor: more ? encodeCursor(key(items[items.length - 1]!)) : null };
}
