/**
 * Snapshots in parts: the engine's snapshot text is split into parts written one at a time between
 * commits (see migration 0002), and joined again when a tenant starts or is verified.
 */

/** Largest part of a snapshot, in characters (the text is ASCII). */
export const SNAPSHOT_PART_CHARS = 256 * 1024;

interface Queryable {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

/** Splits a snapshot's text into the parts that are stored. */
export function snapshotParts(text: string): string[] {
  const parts: string[] = [];
  for (let at = 0; at < text.length; at += SNAPSHOT_PART_CHARS)
    parts.push(text.slice(at, at + SNAPSHOT_PART_CHARS));
  return parts.length === 0 ? [""] : parts;
}

/** The stored text of the tenant's snapshot at seq, or undefined when there is none (or it is incomplete). */
export async function readSnapshot(
  db: Queryable,
  tenantId: string,
  seq: number,
): Promise<string | undefined> {
  const { rows } = await db.query<{ state: string; parts: number }>(
    "SELECT state, parts FROM snapshots WHERE tenant_id = $1 AND seq = $2",
    [tenantId, seq],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  if (row.parts === 0) return row.state;
  const parts = await db.query<{ body: string }>(
    "SELECT body FROM snapshot_parts WHERE tenant_id = $1 AND seq = $2 ORDER BY part",
    [tenantId, seq],
  );
  if (parts.rows.length !== row.parts) return undefined;
  return parts.rows.map((part) => part.body).join("");
}
