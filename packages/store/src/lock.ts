/**
 * Single-writer guards. PostgreSQL: a session advisory lock per tenant, held on one dedicated
 * connection for the ledger's lifetime. PGlite: a lock file in the data directory holding the pid;
 * a lock left by a dead process is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import type pg from "pg";
import { newPostgresClient } from "./postgres-hosts.js";

/** Another writer holds the tenant or the data directory. */
export class WriterLockError extends Error {
  override name = "WriterLockError";
}

export const LOCK_FILE_NAME = "zengzhi.lock";

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes `dataDir/zengzhi.lock`; returns the release function. */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, LOCK_FILE_NAME);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(file, "utf8").trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let holder: number;
    try {
      holder = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
    } catch {
      continue; // Removed meanwhile: try again.
    }
    if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) {
      throw new WriterLockError(
        `data directory ${dataDir} is in use by process ${holder} (lock file ${file}); one process at a time may open it`,
      );
    }
    // A stale lock from a process that no longer runs (or an unreadable one): take it over.
    try {
      unlinkSync(file);
    } catch {
      // Another starter removed it first; the next attempt decides.
    }
  }
  throw new WriterLockError(`cannot take the lock file ${file}: other processes keep competing for it`);
}

/** Holds PostgreSQL session advisory locks (one per tenant) on one dedicated connection. */
export class AdvisoryLocks {
  private client: pg.Client | null = null;
  private broken: Error | null = null;
  private readonly held = new Set<string>();

  constructor(private readonly databaseUrl: string) {}

  private async connection(): Promise<pg.Client> {
    if (this.broken !== null) throw this.broken;
    if (this.client === null) {
      const client = newPostgresClient(this.databaseUrl);
      client.on("error", (error) => {
        // Locks die with the session: from now on this ledger must not write.
        this.broken = new Error(`the writer lock connection was lost: ${error.message}`);
      });
      await client.connect();
      this.client = client;
    }
    return this.client;
  }

  /** Throws WriterLockError when another session holds the tenant. */
  async acquire(tenantId: string): Promise<void> {
    if (this.held.has(tenantId)) return;
    const client = await this.connection();
    const { rows } = await client.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_lock(2053, hashtext($1)) AS locked",
      [tenantId],
    );
    if (rows[0]?.locked !== true) {
      throw new WriterLockError(
        `tenant ${tenantId} already has a writer in another process (PostgreSQL advisory lock held)`,
      );
    }
    this.held.add(tenantId);
  }

  /** Throws when the lock connection was lost (the locks with it). */
  check(): void {
    if (this.broken !== null) throw this.broken;
  }

  async release(tenantId: string): Promise<void> {
    if (!this.held.delete(tenantId) || this.client === null) return;
    await this.client
      .query("SELECT pg_advisory_unlock(2053, hashtext($1))", [tenantId])
      .catch(() => undefined);
  }

  async close(): Promise<void> {
    this.held.clear();
    const client = this.client;
    this.client = null;
    if (client !== null) await client.end().catch(() => undefined);
  }
}
