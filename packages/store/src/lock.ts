/**
 * The PGlite single-process guard: a lock file in the data directory holding the pid; a lock left by
 * a dead process (or by a zombie: killed, not yet reaped by its parent) is taken over. PostgreSQL
 * tenants are guarded by writer leases instead (lease.ts).
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";

/** Another writer holds the tenant or the data directory. */
export class WriterLockError extends Error {
  override name = "WriterLockError";
}

export const LOCK_FILE_NAME = "zengzhi.lock";

/**
 * Whether the process runs. A zombie (state Z in /proc/<pid>/stat: it died and its parent has not
 * reaped it yet) still answers kill(pid, 0), but it holds nothing: a restart right after a kill -9
 * must not wait for the reaping.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) S ...": the state follows the last ')' (comm may hold parentheses).
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return true; // No /proc (not Linux) or unreadable: trust kill(pid, 0).
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
