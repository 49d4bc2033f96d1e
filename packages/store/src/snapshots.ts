/**
 * Snapshots in parts: the writer stores the engine's snapshot pieces (`engineSnapshotPieces`, at most
 * 256 KiB each) one at a time between commits (see migration 0002); they are joined again here when a
 * tenant starts or is verified.
 */

interface Queryable {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
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
