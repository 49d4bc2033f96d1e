export * from "./api.js";
export { type Database, type TransactionSql, connectPostgres, openPglite } from "./database.js";
export {
  type LedgerOptions,
  SNAPSHOTS_KEPT_DEFAULT,
  TENANT_ID_PATTERN,
  defaultDataDir,
  openDatabase,
  openLedger,
} from "./ledger.js";
export { LOCK_FILE_NAME, WriterLockError } from "./lock.js";
export { MIGRATIONS_DIR, migrate, readMigrations } from "./migrations.js";
export {
  type TemporaryPostgres,
  createDatabaseIn,
  findPostgresBinaries,
  startTemporaryPostgres,
} from "./temporary-postgres.js";
export { type TenantReport, type VerifyReport, verifyDatabase, verifyLedger } from "./verify.js";
export { type KeyHash, keyHash } from "./key-index.js";
export { type BatchInfo, LedgerBusyError } from "./writer.js";
export { type PruneOptions, type PruneReport, pruneSnapshots } from "./snapshots.js";
export {
  BACKUP_REQUESTS_DIR,
  type BackupResult,
  backupPglite,
  restorePglite,
  serveBackupRequests,
} from "./backup.js";
