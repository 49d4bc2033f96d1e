/**
 * Backups of a PGlite ledger that restore (issue #11, item 7). A backup is PGlite's own dump of the
 * data directory (a tar, gzipped here), taken by the process that has the database open: with both
 * of PGlite's locks held nothing writes while the files are read, so the copy is the database as
 * after one commit, whatever load it is under. `zengzhi backup` asks a running service for it by
 * dropping a request file into the data directory (only an account that can already write the
 * ledger's files can ask); with no service running it opens the directory itself. PostgreSQL is
 * backed up with its own tools (pg_basebackup or pg_dump, plus WAL archiving): see docs/STORE.md.
 */
import { PGlite } from "@electric-sql/pglite";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { type Database, openPglite } from "./database.js";
import { LOCK_FILE_NAME, WriterLockError, lockDataDir } from "./lock.js";

/** Where `zengzhi backup` drops its requests for the process that holds the data directory. */
export const BACKUP_REQUESTS_DIR = "backup-requests";
/** How often the holder looks for requests, and the requester for the answer. */
const POLL_MS = 200;
const BACKUP_TIMEOUT_MS_DEFAULT = 10 * 60 * 1000;

export interface BackupResult {
  /** Bytes written (gzipped tar). */
  bytes: number;
  /** How long the database was held for the copy (commits waited that long), in milliseconds. */
  dumpMs: number;
  /** Who made the copy: this process, or the running service that holds the data directory. */
  madeBy: "this process" | "the running service";
}

/** Writes the database's dump to `out` as a gzipped tar: to out.partial first, then renamed. */
async function writeBackup(db: Database, out: string): Promise<Omit<BackupResult, "madeBy">> {
  if (db.dumpDataDir === undefined) throw new Error("only a PGlite database can be dumped this way");
  const { gzipped, dumpMs } = await db.dumpDataDir();
  await writeFile(`${out}.partial`, gzipped, { flag: "wx" });
  await rename(`${out}.partial`, out);
  return { bytes: gzipped.length, dumpMs };
}

interface BackupRequest {
  out: string;
}

/**
 * Answers the backup requests dropped into dataDir/backup-requests while this process holds the data
 * directory (openLedger calls it for a PGlite directory). One request at a time; `stop` waits for
 * the one in progress.
 */
export function serveBackupRequests(db: Database, dataDir: string): { stop(): Promise<void> } {
  const dir = join(dataDir, BACKUP_REQUESTS_DIR);
  mkdirSync(dir, { recursive: true });
  let busy: Promise<void> | null = null;
  const answer = async () => {
    for (const name of await readdir(dir)) {
      if (!name.endsWith(".request.json")) continue;
      const id = name.slice(0, -".request.json".length);
      let reply: unknown;
      try {
        const request = JSON.parse(await readFile(join(dir, name), "utf8")) as BackupRequest;
        reply = await writeBackup(db, request.out);
      } catch (error) {
        reply = { error: (error as Error).message };
      }
      await writeFile(join(dir, `${id}.reply.json.partial`), JSON.stringify(reply));
      await rename(join(dir, `${id}.reply.json.partial`), join(dir, `${id}.reply.json`));
      await rm(join(dir, name), { force: true });
    }
  };
  const timer = setInterval(() => {
    busy ??= answer()
      .catch(() => undefined)
      .finally(() => (busy = null));
  }, POLL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await busy;
    },
  };
}

/** Asks the process holding dataDir for a backup and waits for its reply. */
async function requestBackup(dataDir: string, out: string, timeoutMs: number): Promise<BackupResult> {
  const dir = join(dataDir, BACKUP_REQUESTS_DIR);
  const id = randomUUID();
  const request = join(dir, `${id}.request.json`);
  const reply = join(dir, `${id}.reply.json`);
  await writeFile(`${request}.partial`, JSON.stringify({ out } satisfies BackupRequest));
  await rename(`${request}.partial`, request);
  const deadline = performance.now() + timeoutMs;
  while (!existsSync(reply)) {
    if (performance.now() > deadline) {
      await rm(request, { force: true });
      throw new Error(
        `the process holding ${dataDir} did not answer the backup request within ${Math.round(timeoutMs / 1000)} s`,
      );
    }
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
  const answer = JSON.parse(await readFile(reply, "utf8")) as Omit<BackupResult, "madeBy"> & {
    error?: string;
  };
  await rm(reply, { force: true });
  if (answer.error !== undefined) throw new Error(`the backup failed: ${answer.error}`);
  return { bytes: answer.bytes, dumpMs: answer.dumpMs, madeBy: "the running service" };
}

/**
 * A consistent backup of a PGlite data directory into the file `out` (which must not exist): made
 * by the running service when one holds the directory, else by this process.
 */
export async function backupPglite(options: {
  dataDir: string;
  out: string;
  timeoutMs?: number;
}): Promise<BackupResult> {
  const out = resolve(options.out);
  if (existsSync(out)) throw new Error(`${out} exists already; a backup never overwrites a file`);
  if (!existsSync(join(options.dataDir, "PG_VERSION")))
    throw new Error(`${options.dataDir} holds no PGlite database`);
  let unlock: () => void;
  try {
    unlock = lockDataDir(options.dataDir);
  } catch (error) {
    if (!(error instanceof WriterLockError)) throw error;
    return requestBackup(options.dataDir, out, options.timeoutMs ?? BACKUP_TIMEOUT_MS_DEFAULT);
  }
  try {
    const db = await openPglite(options.dataDir);
    try {
      return { ...(await writeBackup(db, out)), madeBy: "this process" };
    } finally {
      await db.close();
    }
  } finally {
    unlock();
  }
}

/**
 * Restores a backup into dataDir, which must be absent or empty: the tar is loaded by PGlite (which
 * refuses a directory holding a database), opened once, and closed. The lock file and backup
 * requests the copy carried from the running service are removed.
 */
export async function restorePglite(options: { backup: string; dataDir: string }): Promise<void> {
  if (existsSync(options.dataDir) && readdirSync(options.dataDir).length > 0)
    throw new Error(`${options.dataDir} is not empty; restore into a new folder`);
  const tar = await promisify(gunzip)(await readFile(options.backup));
  mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir, { loadDataDir: new Blob([tar]) });
  await db.close();
  rmSync(join(options.dataDir, LOCK_FILE_NAME), { force: true });
  rmSync(join(options.dataDir, BACKUP_REQUESTS_DIR), { recursive: true, force: true });
}
