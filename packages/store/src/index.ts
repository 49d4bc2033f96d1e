export * from "./api.js";
export { type Database, type TransactionSql, connectPostgres, openPglite } from "./database.js";
export {
  type ForwardSubmit,
  type LeaseEvent,
  type LedgerOptions,
  SNAPSHOTS_KEPT_DEFAULT,
  TENANT_ID_PATTERN,
  defaultDataDir,
  leaseTtlMs,
  openDatabase,
  openLedger,
} from "./ledger.js";
export { DEFAULT_LEASE_TTL_MS, type LeaseRow, readLease } from "./lease.js";
export { LOCK_FILE_NAME, WriterLockError } from "./lock.js";
export {
  type PostgresHost,
  type PostgresTarget,
  type TargetSessionAttrs,
  chooseHost,
  newPostgresClient,
  newPostgresPool,
  parseDatabaseUrl,
} from "./postgres-hosts.js";
export { MIGRATIONS_DIR, migrate, readMigrations } from "./migrations.js";
export {
  type TemporaryPostgres,
  createDatabaseIn,
  findPostgresBinaries,
  startTemporaryPostgres,
} from "./temporary-postgres.js";
export { type TenantReport, type VerifyReport, verifyDatabase, verifyLedger } from "./verify.js";
export { type KeyHash, keyHash } from "./key-index.js";
export { type BatchInfo, LedgerBusyError, LedgerUnavailableError } from "./writer.js";
export { type PruneOptions, type PruneReport, pruneSnapshots, readSnapshot } from "./snapshots.js";
export {
  BACKUP_REQUESTS_DIR,
  type BackupResult,
  backupPglite,
  restorePglite,
  serveBackupRequests,
} from "./backup.js";
