/**
 * The audit log's details as readable fields: an entry's JSON detail flattened to (path, value)
 * pairs, nested objects by dotted path (a published rule set's `rules.sellFee`), so that the page
 * names each field in the reader's language instead of showing truncated JSON.
 */

export interface DetailField {
  path: string;
  value: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** Leaves of a detail, in key order; arrays and scalars are leaves (arrays as comma-joined text). */
export function auditDetailFields(detail: unknown, prefix = ""): DetailField[] {
  if (detail === null || detail === undefined) return [];
  if (!isRecord(detail)) return [{ path: prefix === "" ? "detail" : prefix, value: leafText(detail) }];
  return Object.entries(detail).flatMap(([key, value]) => {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    return isRecord(value) ? auditDetailFields(value, path) : [{ path, value: leafText(value) }];
  });
}

function leafText(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (Array.isArray(value)) return value.map(leafText).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
