/**
 * openLedger: the Ledger on PostgreSQL (databaseUrl) or embedded PGlite (dataDir). It applies the
 * migrations, guards single writers (advisory locks / the data directory's lock file) and routes
 * each tenant's submits to that tenant's TenantWriter.
 */
import {
  CommandError,
  type CommandJson,
  Engine,
  type EngineView,
  loadRuleSet,
  ruleSetToJson,
} from "@zengzhi/engine";
import { mkdirSync } from "node:fs";
import {
  type AuditNote,
  type Ledger,
  type OpenLedgerOptions,
  type SubmitResult,
  auditNoteText,
} from "./api.js";
import { type Database, connectPostgres, openPglite } from "./database.js";
import { canonicalCommand, genesisHash, headline, idempotencyKeyProblem } from "./journal.js";
import { AdvisoryLocks, lockDataDir } from "./lock.js";
import { migrate } from "./migrations.js";
import type { KeyHash } from "./key-index.js";
import { type BatchInfo, TenantWriter } from "./writer.js";

export interface LedgerOptions extends OpenLedgerOptions {
  /** Most commands committed in one transaction (default 10,000). */
  batchSizeMax?: number;
  /** Commands between snapshots (default 100,000). */
  snapshotEvery?: number;
  /** Most commands waiting per tenant before submit fails with LedgerBusyError (default 200,000). */
  queueLengthMax?: number;
  /** Least time between the starts of two commits while fewer than 1,000 commands wait (default 1 ms; 0: none). */
  lingerMs?: number;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** Told about every committed batch: size and commit time (metrics). */
  onBatch?: (batch: BatchInfo) => void;
  /**
   * The hash of the writer's in-memory key index (see key-index.ts). Tests pass a weak one to make
   * distinct keys collide; leave it unset otherwise.
   */
  keyHash?: KeyHash;
}

export const TENANT_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** The PGlite data directory: dataDir, else ZENGZHI_DATA_DIR, else ./data. */
export function defaultDataDir(options: OpenLedgerOptions): string {
  return options.dataDir ?? process.env.ZENGZHI_DATA_DIR ?? "./data";
}

/** Opens a database of either kind, taking the PGlite lock file; used by openLedger and verify. */
export async function openDatabase(options: OpenLedgerOptions & { poolSize?: number }): Promise<{
  db: Database;
  unlock: () => void;
}> {
  if (options.databaseUrl !== undefined) {
    return { db: connectPostgres(options.databaseUrl, options.poolSize), unlock: () => undefined };
  }
  const dataDir = defaultDataDir(options);
  if (dataDir.startsWith("memory://")) return { db: await openPglite(dataDir), unlock: () => undefined };
  mkdirSync(dataDir, { recursive: true });
  const unlock = lockDataDir(dataDir);
  try {
    return { db: await openPglite(dataDir), unlock };
  } catch (error) {
    unlock();
    throw error;
  }
}

export async function openLedger(options: LedgerOptions = {}): Promise<Ledger> {
  const { db, unlock } = await openDatabase(options);
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    unlock();
    throw error;
  }
  return new StoreLedger(db, unlock, options);
}

class StoreLedger implements Ledger {
  readonly kind: "postgres" | "pglite";
  private readonly writers = new Map<string, Promise<TenantWriter>>();
  /** Writers that finished opening, for the synchronous hot path of submit. */
  private readonly ready = new Map<string, TenantWriter>();
  private readonly locks: AdvisoryLocks | null;
  private closed = false;

  constructor(
    private readonly db: Database,
    private readonly unlock: () => void,
    private readonly options: LedgerOptions,
  ) {
    this.kind = db.kind;
    this.locks = options.databaseUrl !== undefined ? new AdvisoryLocks(options.databaseUrl) : null;
  }

  get sql() {
    return this.db;
  }

  async createTenant(tenantId: string, rules: unknown): Promise<void> {
    this.assertOpen();
    if (!TENANT_ID_PATTERN.test(tenantId)) {
      throw new CommandError("invalid_command", "tenantId", "must be 1–64 letters, digits, '_', '.' or '-'");
    }
    const ruleSet = loadRuleSet(rules); // Throws RuleSetError naming the field.
    const rulesText = JSON.stringify(ruleSetToJson(ruleSet));
    const figures = headline(new Engine(ruleSet));
    const genesis = genesisHash(tenantId, rulesText);
    await this.db.transaction(async (sql) => {
      const existing = await sql.query("SELECT 1 FROM tenants WHERE tenant_id = $1", [tenantId]);
      if (existing.rows.length > 0) throw new Error(`tenant ${tenantId} already exists`);
      await sql.query("INSERT INTO tenants (tenant_id, rules, genesis_hash) VALUES ($1, $2, $3)", [
        tenantId,
        rulesText,
        genesis,
      ]);
      await sql.query(
        `INSERT INTO tenant_state (tenant_id, seq, batch, hash, day, pool, supply, price)
         VALUES ($1, 0, 0, $2, $3, $4, $5, $6)`,
        [tenantId, genesis, figures.day, figures.pool, figures.supply, figures.price],
      );
    });
  }

  async listTenants(): Promise<string[]> {
    const { rows } = await this.db.query<{ tenant_id: string }>(
      "SELECT tenant_id FROM tenants ORDER BY tenant_id",
    );
    return rows.map((row) => row.tenant_id);
  }

  submit(
    tenantId: string,
    idempotencyKey: string,
    command: CommandJson,
    options: { audit?: AuditNote } = {},
  ): Promise<SubmitResult> {
    try {
      this.assertOpen();
      const keyProblem = idempotencyKeyProblem(idempotencyKey);
      if (keyProblem !== null) throw new CommandError("invalid_command", "idempotencyKey", keyProblem);
      const { command: parsed, text } = canonicalCommand(command);
      const audit = options.audit === undefined ? "" : auditNoteText(options.audit);
      // The hot path: the tenant's writer is open, so no extra await.
      const ready = this.ready.get(tenantId);
      if (ready !== undefined && !ready.broken)
        return ready.submit(idempotencyKey, { text, command: parsed, audit });
      return this.writer(tenantId).then((writer) =>
        writer.submit(idempotencyKey, { text, command: parsed, audit }),
      );
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  async read<T>(tenantId: string, fn: (view: EngineView) => T): Promise<T> {
    this.assertOpen();
    return (await this.writer(tenantId)).read(fn);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const pending of this.writers.values()) {
      const writer = await pending.catch(() => null);
      await writer?.close();
    }
    this.writers.clear();
    this.ready.clear();
    await this.locks?.close();
    await this.db.close();
    this.unlock();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("the ledger is closed");
  }

  /** The tenant's writer, opened on first use; a broken one is replaced. */
  private async writer(tenantId: string): Promise<TenantWriter> {
    let pending = this.writers.get(tenantId);
    if (pending !== undefined) {
      const writer = await pending.catch(() => null);
      if (writer !== null && !writer.broken) return writer;
      if (this.writers.get(tenantId) === pending) this.writers.delete(tenantId);
      if (this.ready.get(tenantId) === writer) this.ready.delete(tenantId);
      await this.locks?.release(tenantId);
      return this.writer(tenantId);
    }
    pending = this.openWriter(tenantId);
    this.writers.set(tenantId, pending);
    return pending;
  }

  private async openWriter(tenantId: string): Promise<TenantWriter> {
    const locks = this.locks;
    await locks?.acquire(tenantId);
    try {
      const writer = await TenantWriter.open(this.db, tenantId, {
        batchSizeMax: this.options.batchSizeMax ?? 10_000,
        snapshotEvery: this.options.snapshotEvery ?? 100_000,
        queueLengthMax: this.options.queueLengthMax ?? 200_000,
        lingerMs: this.options.lingerMs ?? 1,
        checkLock: () => locks?.check(),
        ...(this.options.onBatch === undefined ? {} : { onBatch: this.options.onBatch }),
        ...(this.options.keyHash === undefined ? {} : { keyHash: this.options.keyHash }),
      });
      if (!this.closed) this.ready.set(tenantId, writer);
      return writer;
    } catch (error) {
      await locks?.release(tenantId);
      throw error;
    }
  }
}
