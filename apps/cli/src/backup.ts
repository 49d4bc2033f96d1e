/**
 * `zengzhi backup` and `zengzhi restore` for a PGlite ledger (issue #11, item 7). backup writes a
 * consistent copy (a gzipped tar) of a data directory, made by the running service when one holds it;
 * restore brings a copy back into a new folder, ready for `zengzhi verify` and `zengzhi start`.
 * PostgreSQL is backed up with pg_basebackup or pg_dump and WAL archiving (docs/STORE.md, "Backups").
 */
import { backupPglite, restorePglite } from "@zengzhi/store";
import { UsageError } from "./main.js";

const BACKUP_USAGE =
  "usage: zengzhi backup --out FILE.tar.gz [--data-dir DIR]  (default: ZENGZHI_DATA_DIR, else ./data)";
const RESTORE_USAGE = "usage: zengzhi restore FILE.tar.gz --data-dir NEW_DIR";
const POSTGRES_ADVICE =
  "a PostgreSQL ledger is backed up with PostgreSQL's own tools: pg_basebackup with WAL archiving, or pg_dump (see docs/STORE.md, Backups)";

/** Reads `--flag value` pairs; anything else is a usage error. */
function readFlags(args: string[], allowed: string[], usage: string): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i]!;
    const value = args[i + 1];
    if (!allowed.includes(flag)) throw new UsageError(`unknown option ${flag}; ${usage}`);
    if (value === undefined || value.startsWith("--"))
      throw new UsageError(`${flag} needs a value; ${usage}`);
    flags.set(flag, value);
  }
  return flags;
}

export async function backupCommand(args: string[]): Promise<number> {
  if (args.includes("--database-url")) throw new UsageError(POSTGRES_ADVICE);
  const flags = readFlags(args, ["--out", "--data-dir"], BACKUP_USAGE);
  const out = flags.get("--out");
  if (out === undefined) throw new UsageError(`--out is required; ${BACKUP_USAGE}`);
  let dataDir = flags.get("--data-dir");
  if (dataDir === undefined) {
    if ((process.env.DATABASE_URL ?? "") !== "") throw new UsageError(POSTGRES_ADVICE);
    dataDir = process.env.ZENGZHI_DATA_DIR ?? "./data";
  }
  let result;
  try {
    result = await backupPglite({ dataDir, out });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const megabytes = (result.bytes / 1e6).toFixed(1);
  console.log(
    `backup of ${dataDir} written to ${out} (${megabytes} MB), made by ${result.madeBy}; the database was held ${Math.round(result.dumpMs)} ms for the copy`,
  );
  return 0;
}

export async function restoreCommand(args: string[]): Promise<number> {
  const [backup, ...rest] = args;
  if (backup === undefined || backup.startsWith("--")) throw new UsageError(RESTORE_USAGE);
  const dataDir = readFlags(rest, ["--data-dir"], RESTORE_USAGE).get("--data-dir");
  if (dataDir === undefined) throw new UsageError(`--data-dir is required; ${RESTORE_USAGE}`);
  try {
    await restorePglite({ backup, dataDir });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  console.log(`restored ${backup} into ${dataDir}; check it with: zengzhi verify --data-dir ${dataDir}`);
  return 0;
}
