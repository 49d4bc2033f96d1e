/**
 * openLedger: the Ledger on PostgreSQL (databaseUrl) or embedded PGlite (dataDir). It applies the
 * migrations and routes each tenant's submits to that tenant's TenantWriter, which runs only on the
 * node holding the tenant's lease (lease.ts; PGlite: the data directory's lock file excludes every
 * other process). A tenant held elsewhere has its commands forwarded to the holder and its reads
 * served from a follower copy brought up to date from the journal at each read.
 */
import {
  CommandError,
  type CommandJson,
  Engine,
  type EngineView,
  loadRuleSet,
  ruleSetToJson,
} from "@zengzhi/engine";
import { timingSafeEqual } from "node:crypto";
import { mkdirSync } from "node:fs";
import {
  type AuditNote,
  type Ledger,
  type LedgerStatus,
  type OpenLedgerOptions,
  type SubmitOptions,
  type SubmitResult,
  auditNoteText,
} from "./api.js";
import { type Database, connectPostgres, openPglite } from "./database.js";
import { canonicalCommand, genesisHash, headline, idempotencyKeyProblem } from "./journal.js";
import {
  DEFAULT_LEASE_TTL_MS,
  type LeaseRow,
  acquireLease,
  advertiseAddress,
  clusterSecret,
  expiredLeases,
  newNodeId,
  readLease,
  releaseLease,
  renewLease,
} from "./lease.js";
import { lockDataDir } from "./lock.js";
import { serveBackupRequests } from "./backup.js";
import { migrate } from "./migrations.js";
import type { KeyHash } from "./key-index.js";
import { type BatchInfo, LedgerUnavailableError, TenantWriter } from "./writer.js";

export interface LedgerOptions extends OpenLedgerOptions {
  /** Most commands committed in one transaction (default 10,000). */
  batchSizeMax?: number;
  /** Commands between snapshots (default 100,000). */
  snapshotEvery?: number;
  /**
   * Complete snapshots kept per tenant (default 3, at least 1; the service reads
   * ZENGZHI_SNAPSHOTS_KEPT). Older ones are deleted in the background after each new snapshot.
   */
  snapshotsKept?: number;
  /** Told how long each snapshot-pruning statement took, in milliseconds (benchmarks). */
  onPruneStatement?: (ms: number) => void;
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
  /** This node's id in the lease table (default: host:pid:random, see newNodeId). */
  nodeId?: string;
  /**
   * Lease time to live in milliseconds (default ZENGZHI_LEASE_TTL_MS, else 3,000). The holder renews
   * every third of it; a holder silent for longer may be replaced, and stops writing by itself.
   */
  leaseTtlMs?: number;
  /**
   * Hands a command for a tenant another node holds to that node (the service's HTTP client).
   * Without it such a command fails with LedgerUnavailableError.
   */
  forward?: ForwardSubmit;
  /** Told about lease changes (the service logs them). */
  onLease?: (event: LeaseEvent) => void;
}

/** Where to forward: the holder's advertised address and the database's forwarding secret. */
export type ForwardSubmit = (
  target: { address: string; secret: string; nodeId: string },
  tenantId: string,
  idempotencyKey: string,
  command: CommandJson,
  audit?: AuditNote,
) => Promise<SubmitResult>;

export interface LeaseEvent {
  tenantId: string;
  /** acquired: this node writes the tenant now; lost: it stopped; standby: another node holds it. */
  kind: "acquired" | "lost" | "released" | "standby";
  epoch?: number;
  /** The other holder's node id (standby). */
  holder?: string;
  reason?: string;
}

/** Complete snapshots kept per tenant unless snapshotsKept says otherwise. */
export const SNAPSHOTS_KEPT_DEFAULT = 3;

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
  let secret = "";
  try {
    if (db.kind === "postgres") secret = await clusterSecret(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  // Lease renewals get connections of their own: queued behind busy commits and snapshot writes they
  // came late under load, and a node deposed itself while it was working fine.
  const leaseDb = options.databaseUrl === undefined ? db : connectPostgres(options.databaseUrl, 2);
  // A PGlite directory answers `zengzhi backup` while this process holds it (backup.ts).
  const dataDir = db.kind === "pglite" ? defaultDataDir(options) : "";
  const backups =
    db.kind === "pglite" && !dataDir.startsWith("memory://") ? serveBackupRequests(db, dataDir) : null;
  return new StoreLedger(db, unlock, options, secret, leaseDb, backups);
}

/** The lease TTL: the option, else ZENGZHI_LEASE_TTL_MS, else 3 s. */
export function leaseTtlMs(options: LedgerOptions): number {
  const fromEnv = Number(process.env.ZENGZHI_LEASE_TTL_MS);
  const ttl =
    options.leaseTtlMs ?? (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_LEASE_TTL_MS);
  if (!(ttl >= 100)) throw new Error(`the lease TTL must be at least 100 ms, got ${ttl}`);
  return ttl;
}

/** A lease this node holds, and the writer running under it. */
interface Held {
  epoch: number;
  /** performance.now() when the last successful renewal (or the acquisition) was sent. */
  renewedAt: number;
  writer: Promise<TenantWriter>;
  /** The writer once open (the synchronous hot path of submit). */
  ready?: TenantWriter;
}

class StoreLedger implements Ledger {
  readonly kind: "postgres" | "pglite";
  readonly nodeId: string;
  private readonly ttlMs: number;
  private readonly held = new Map<string, Held>();
  private readonly acquiring = new Map<string, Promise<TenantWriter | undefined>>();
  /** Read-only copies of tenants another node holds. */
  private readonly followers = new Map<string, Promise<TenantWriter>>();
  /** The other holder last seen per tenant (status, forwarding), with when it was read. */
  private readonly elsewhere = new Map<string, LeaseRow & { seenAt: number }>();
  private address = "";
  private databaseReachable = true;
  private readonly timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private closed = false;

  constructor(
    private readonly db: Database,
    private readonly unlock: () => void,
    private readonly options: LedgerOptions,
    private readonly secret: string,
    private readonly leaseDb: Database,
    private readonly backups: { stop(): Promise<void> } | null = null,
  ) {
    this.kind = db.kind;
    this.nodeId = options.nodeId ?? newNodeId();
    this.ttlMs = leaseTtlMs(options);
    // PGlite: one process only (the lock file), so nothing to renew or take over.
    if (db.kind === "postgres") {
      this.timer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.ttlMs / 3)));
      this.timer.unref();
    }
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
    options?: SubmitOptions,
  ): Promise<SubmitResult> {
    try {
      this.assertOpen();
      const keyProblem = idempotencyKeyProblem(idempotencyKey);
      if (keyProblem !== null) throw new CommandError("invalid_command", "idempotencyKey", keyProblem);
      const { command: parsed, text } = canonicalCommand(command);
      const audit = options?.audit === undefined ? "" : auditNoteText(options.audit);
      const submission = { text, command: parsed, audit };
      // The hot path: this node holds the tenant and its writer is open, so no extra await.
      const held = this.held.get(tenantId);
      const ready = held?.ready;
      if (ready !== undefined && !ready.broken && this.fresh(held!))
        return ready.submit(idempotencyKey, submission);
      return this.ownWriter(tenantId).then((writer) =>
        writer !== undefined
          ? writer.submit(idempotencyKey, submission)
          : this.forward(tenantId, idempotencyKey, command, options ?? {}),
      );
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  async read<T>(tenantId: string, fn: (view: EngineView) => T): Promise<T> {
    this.assertOpen();
    const writer = await this.ownWriter(tenantId);
    if (writer !== undefined) return writer.read(fn);
    // Held by another node: a follower copy, brought up to date with the journal now.
    const follower = await this.follower(tenantId);
    try {
      await follower.catchUp();
    } catch (error) {
      if (this.followers.get(tenantId) !== undefined) this.followers.delete(tenantId);
      throw unavailable(`tenant ${tenantId}: its journal cannot be read`, error);
    }
    return follower.read(fn);
  }

  acceptsForward(secret: string): boolean {
    const expected = Buffer.from(this.secret);
    const given = Buffer.from(secret);
    return this.secret !== "" && expected.length === given.length && timingSafeEqual(expected, given);
  }

  async advertise(address: string): Promise<void> {
    this.address = address;
    if (this.kind === "postgres") await advertiseAddress(this.db, this.nodeId, address);
  }

  status(): LedgerStatus {
    const now = performance.now();
    const leases = [...this.held].map(([tenantId, held]) => ({
      tenantId,
      epoch: held.epoch,
      writable: held.ready !== undefined && !held.ready.broken && this.fresh(held),
      renewedMsAgo: Math.round(now - held.renewedAt),
    }));
    return {
      nodeId: this.nodeId,
      leaseTtlMs: this.ttlMs,
      role: leases.length > 0 ? "writer" : "standby",
      ready: this.databaseReachable && leases.every((lease) => lease.writable),
      databaseReachable: this.databaseReachable,
      leases,
      elsewhere: [...this.elsewhere.values()].map((lease) => ({
        tenantId: lease.tenantId,
        nodeId: lease.nodeId,
        address: lease.address,
        epoch: lease.epoch,
      })),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    for (const pending of this.acquiring.values()) await pending.catch(() => undefined);
    for (const [tenantId, held] of this.held) {
      const writer = await held.writer.catch(() => null);
      await writer?.close();
      // Let the lease go now: another node takes the tenant on its next look instead of after the TTL.
      if (this.kind === "postgres") await releaseLease(this.db, tenantId, held.epoch).catch(() => undefined);
    }
    this.held.clear();
    this.followers.clear();
    if (this.leaseDb !== this.db) await this.leaseDb.close().catch(() => undefined);
    await this.backups?.stop();
    await this.db.close();
    this.unlock();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("the ledger is closed");
  }

  /** Whether the lease was renewed within its TTL by this node's clock (PGlite: always). */
  private fresh(held: Held): boolean {
    return this.kind === "pglite" || performance.now() - held.renewedAt < this.ttlMs;
  }

  /**
   * This node's usable writer of the tenant: the one it has, or a new one when the lease can be taken
   * (free, expired, or this node's); undefined when another node holds the tenant.
   */
  private async ownWriter(tenantId: string): Promise<TenantWriter | undefined> {
    const held = this.held.get(tenantId);
    if (held !== undefined) {
      const writer = await held.writer.catch(() => null);
      if (writer !== null && !writer.broken && this.fresh(held)) return writer;
      // Sound but not renewed lately (the timer came late): renew now rather than start again.
      if (writer !== null && !writer.broken && (await this.renewNow(tenantId, held))) return writer;
      // Broken (database lost meanwhile) or not renewed in time: start again under a new epoch.
      this.drop(tenantId, held, "the writer stopped or its lease was not renewed in time");
    }
    // Another node's lease, read a moment ago and not expired since: forward without asking again.
    const other = this.elsewhere.get(tenantId);
    if (
      other !== undefined &&
      this.options.forward !== undefined &&
      other.address !== "" &&
      performance.now() < other.seenAt + Math.min(other.expiresInMs, this.ttlMs)
    ) {
      return undefined;
    }
    let pending = this.acquiring.get(tenantId);
    if (pending === undefined) {
      pending = this.acquire(tenantId).finally(() => this.acquiring.delete(tenantId));
      this.acquiring.set(tenantId, pending);
    }
    return pending;
  }

  private async acquire(tenantId: string): Promise<TenantWriter | undefined> {
    this.assertOpen();
    const started = performance.now();
    let epoch: number | undefined;
    try {
      const tenant = await this.db.query("SELECT 1 FROM tenants WHERE tenant_id = $1", [tenantId]);
      if (tenant.rows.length === 0) throw new UnknownTenant(`unknown tenant ${tenantId}`);
      epoch = await acquireLease(
        this.db,
        tenantId,
        this.nodeId,
        this.address,
        this.ttlMs,
        this.kind === "pglite",
      );
      if (epoch === undefined) {
        const lease = await readLease(this.db, tenantId);
        if (lease !== undefined) {
          if (this.elsewhere.get(tenantId)?.nodeId !== lease.nodeId) {
            this.options.onLease?.({ tenantId, kind: "standby", holder: lease.nodeId, epoch: lease.epoch });
          }
          this.elsewhere.set(tenantId, { ...lease, seenAt: started });
        }
        return undefined;
      }
    } catch (error) {
      if (error instanceof UnknownTenant) throw new Error(error.message, { cause: error });
      throw unavailable(`tenant ${tenantId}: its lease cannot be read`, error);
    }
    this.elsewhere.delete(tenantId);
    const held: Held = { epoch, renewedAt: started, writer: this.openWriter(tenantId, epoch) };
    held.writer.catch(() => undefined);
    this.held.set(tenantId, held);
    try {
      held.ready = await held.writer;
    } catch (error) {
      if (this.held.get(tenantId) === held) this.held.delete(tenantId);
      if (this.kind === "postgres") await releaseLease(this.db, tenantId, epoch).catch(() => undefined);
      throw unavailable(`tenant ${tenantId}: its writer cannot be loaded`, error);
    }
    if (this.closed) {
      await held.ready.close();
      throw new Error("the ledger is closed");
    }
    this.options.onLease?.({ tenantId, kind: "acquired", epoch });
    return held.ready;
  }

  /** A writer under `epoch`: the follower copy promoted when there is one, else loaded afresh. */
  private async openWriter(tenantId: string, epoch: number): Promise<TenantWriter> {
    const follower = this.followers.get(tenantId);
    this.followers.delete(tenantId);
    const copy = follower === undefined ? null : await follower.catch(() => null);
    if (copy !== null && !copy.broken) {
      try {
        await copy.promote(epoch);
        return copy;
      } catch {
        // Load afresh below.
      }
    }
    return TenantWriter.open(this.db, tenantId, this.writerOptions(tenantId, epoch));
  }

  private writerOptions(tenantId: string, epoch: number) {
    return {
      batchSizeMax: this.options.batchSizeMax ?? 10_000,
      snapshotEvery: this.options.snapshotEvery ?? 100_000,
      snapshotsKept: this.options.snapshotsKept ?? SNAPSHOTS_KEPT_DEFAULT,
      ...(this.options.onPruneStatement === undefined
        ? {}
        : { onPruneStatement: this.options.onPruneStatement }),
      queueLengthMax: this.options.queueLengthMax ?? 200_000,
      lingerMs: this.options.lingerMs ?? 1,
      epoch,
      checkLock: () => {
        const held = this.held.get(tenantId);
        if (held !== undefined && held.epoch === epoch && !this.fresh(held)) {
          throw new LedgerUnavailableError("the lease was not renewed within its TTL; not committing");
        }
      },
      onStop: (writer: TenantWriter) => {
        const held = this.held.get(tenantId);
        if (held?.ready === writer)
          this.drop(tenantId, held, "its writer stopped (the lease moved on, or the database failed)");
      },
      ...(this.options.onBatch === undefined ? {} : { onBatch: this.options.onBatch }),
      ...(this.options.keyHash === undefined ? {} : { keyHash: this.options.keyHash }),
    };
  }

  private follower(tenantId: string): Promise<TenantWriter> {
    let pending = this.followers.get(tenantId);
    if (pending === undefined) {
      pending = TenantWriter.open(this.db, tenantId, this.writerOptions(tenantId, 0));
      pending.catch(() => {
        if (this.followers.get(tenantId) === pending) this.followers.delete(tenantId);
      });
      this.followers.set(tenantId, pending);
    }
    return pending;
  }

  private async forward(
    tenantId: string,
    key: string,
    command: CommandJson,
    options: SubmitOptions,
  ): Promise<SubmitResult> {
    const lease = this.elsewhere.get(tenantId);
    const holder = lease === undefined ? "another node" : `node ${lease.nodeId}`;
    if (
      options.forwarded === true ||
      this.options.forward === undefined ||
      lease === undefined ||
      lease.address === ""
    ) {
      throw new LedgerUnavailableError(`tenant ${tenantId} is written by ${holder}; retry with the same key`);
    }
    try {
      return await this.options.forward(
        { address: lease.address, secret: this.secret, nodeId: lease.nodeId },
        tenantId,
        key,
        command,
        options.audit,
      );
    } catch (error) {
      const name = (error as Error).name;
      if (name === "LedgerBusyError" || error instanceof CommandError) throw error;
      // Look again next time: the holder may have lost the tenant, or died and its lease been taken.
      if (this.elsewhere.get(tenantId) === lease) this.elsewhere.delete(tenantId);
      if (name === "LedgerUnavailableError") throw error;
      throw unavailable(`tenant ${tenantId}: ${holder} at ${lease.address} cannot be reached`, error);
    }
  }

  /** Renews one lease at once; false when it moved on or the database does not answer. */
  private async renewNow(tenantId: string, held: Held): Promise<boolean> {
    const started = performance.now();
    try {
      if (!(await renewLease(this.leaseDb, tenantId, held.epoch, this.ttlMs))) return false;
    } catch {
      return false;
    }
    held.renewedAt = started;
    return true;
  }

  /** Forgets a writer this node may no longer use; its queued commands are refused (retry-safe). */
  private drop(tenantId: string, held: Held, reason: string): void {
    if (this.held.get(tenantId) !== held) return;
    this.held.delete(tenantId);
    held.ready?.depose(new LedgerUnavailableError(`tenant ${tenantId}: ${reason}; retry with the same key`));
    held.writer.then(
      (writer) => writer.depose(new LedgerUnavailableError(`tenant ${tenantId}: ${reason}`)),
      () => undefined,
    );
    this.options.onLease?.({ tenantId, kind: "lost", epoch: held.epoch, reason });
  }

  /** Every third of the TTL: renew the leases held, then take over any that expired (failover). */
  private async tick(): Promise<void> {
    if (this.ticking || this.closed) return;
    this.ticking = true;
    try {
      for (const [tenantId, held] of [...this.held]) {
        const started = performance.now();
        try {
          if (await renewLease(this.leaseDb, tenantId, held.epoch, this.ttlMs)) held.renewedAt = started;
          else this.drop(tenantId, held, `the lease was taken over (epoch ${held.epoch} is stale)`);
          this.databaseReachable = true;
        } catch (error) {
          this.databaseReachable = false;
          if (!this.fresh(held)) {
            this.drop(tenantId, held, `the lease could not be renewed: ${(error as Error).message}`);
          }
        }
      }
      const expired = await expiredLeases(this.db);
      this.databaseReachable = true;
      for (const tenantId of expired) {
        if (this.closed) break;
        if (!this.held.has(tenantId)) await this.ownWriter(tenantId).catch(() => undefined);
      }
    } catch {
      this.databaseReachable = false;
    } finally {
      this.ticking = false;
    }
  }
}

class UnknownTenant extends Error {}

function unavailable(message: string, cause: unknown): Error {
  if ((cause as Error | undefined)?.name === "LedgerUnavailableError") return cause as Error;
  return new LedgerUnavailableError(`${message}: ${(cause as Error | undefined)?.message ?? String(cause)}`, {
    cause,
  });
}
