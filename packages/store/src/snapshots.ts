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

/** Snapshot parts deleted by one statement (4 × 64 Ki characters): a statement of a millisecond or two. */
export const PRUNE_PARTS_PER_STATEMENT = 4;

/**
 * Between two pruning statements the pruner waits this long, so that under load the writer's commits
 * (which PGlite runs one statement at a time, on the same connection) wait for at most one short
 * statement now and then. At 4 parts per 10 ms a 48 MB snapshot is deleted in about two seconds.
 */
export const PRUNE_PAUSE_MS = 10;

export interface PruneOptions {
  /** Complete snapshots kept, newest first (at least 1). */
  kept: number;
  partsPerStatement?: number;
  pauseMs?: number;
  /** Asked before each statement: true stops the pruning (what is left goes next time). */
  stopped?: () => boolean;
  /** Told how long each statement took, in milliseconds (benchmarks). */
  onStatement?: (ms: number) => void;
}

export interface PruneReport {
  /** Snapshots rows deleted. */
  snapshots: number;
  /** Parts deleted (those of deleted snapshots and parts of snapshots whose writing failed). */
  parts: number;
}

/**
 * Deletes every snapshot older than the `kept` newest complete ones: first their snapshots rows (one
 * short statement: without its row a snapshot is never loaded, so nobody reads a half-deleted one),
 * then their parts, a few per statement with a pause in between. Parts left by a snapshot whose
 * writing failed, older than the oldest kept snapshot, go too. On PGlite, which runs no autovacuum,
 * a VACUUM of snapshot_parts then lets the next snapshots reuse the freed pages; on PostgreSQL
 * autovacuum does that.
 */
export async function pruneSnapshots(
  db: Queryable & { readonly kind?: string },
  tenantId: string,
  options: PruneOptions,
): Promise<PruneReport> {
  const kept = Math.max(1, options.kept);
  const perStatement = options.partsPerStatement ?? PRUNE_PARTS_PER_STATEMENT;
  const pauseMs = options.pauseMs ?? PRUNE_PAUSE_MS;
  const report: PruneReport = { snapshots: 0, parts: 0 };
  const timed = async <T>(text: string, params: unknown[]): Promise<T[]> => {
    const started = performance.now();
    const { rows } = await db.query<T>(text, params);
    options.onStatement?.(performance.now() - started);
    return rows;
  };
  const oldestKept = await db.query<{ seq: string }>(
    "SELECT seq FROM snapshots WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1 OFFSET $2",
    [tenantId, kept - 1],
  );
  const keepFrom = oldestKept.rows[0]?.seq;
  if (keepFrom === undefined) return report;
  const rows = await timed("DELETE FROM snapshots WHERE tenant_id = $1 AND seq < $2 RETURNING 1", [
    tenantId,
    keepFrom,
  ]);
  report.snapshots = rows.length;
  for (;;) {
    if (options.stopped?.() === true) return report;
    const deleted = await timed(
      `DELETE FROM snapshot_parts WHERE (tenant_id, seq, part) IN (
         SELECT tenant_id, seq, part FROM snapshot_parts WHERE tenant_id = $1 AND seq < $2 ORDER BY seq, part LIMIT $3
       ) RETURNING 1`,
      [tenantId, keepFrom, perStatement],
    );
    report.parts += deleted.length;
    if (deleted.length < perStatement) break;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  if (report.parts > 0 && db.kind === "pglite" && options.stopped?.() !== true) {
    await timed("VACUUM snapshot_parts", []);
  }
  return report;
}

/**
 * Runs pruneSnapshots in the background, one run at a time: a request during a run starts one more
 * run after it. A failure is dropped (an old snapshot left behind is only space; the next run takes it).
 */
export class SnapshotPruner {
  private running: Promise<void> | null = null;
  private again = false;
  private stopping = false;

  constructor(
    private readonly db: Queryable & { readonly kind?: string },
    private readonly tenantId: string,
    private readonly options: PruneOptions,
  ) {}

  request(): void {
    if (this.stopping) return;
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = pruneSnapshots(this.db, this.tenantId, this.options)
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.request();
        }
      });
  }

  /** Lets the run in progress finish (a few seconds at most) and starts no other. */
  async stop(): Promise<void> {
    this.stopping = true;
    while (this.running !== null) await this.running;
  }
}
