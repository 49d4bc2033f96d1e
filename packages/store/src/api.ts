/**
 * The ledger's public interface (issue #3). The service (apps/server) and `zengzhi verify` use only
 * this. Implementations: PostgreSQL (DATABASE_URL) and embedded PGlite (ZENGZHI_DATA_DIR, ./data).
 */
import type { CommandJson, EngineView } from "@zengzhi/engine";

export interface OpenLedgerOptions {
  /** PostgreSQL connection string; when absent, embedded PGlite is used. */
  databaseUrl?: string;
  /** PGlite data directory (default ZENGZHI_DATA_DIR or ./data); "memory://" for an in-memory database. */
  dataDir?: string;
}

/** The answer to one command, exactly as the first submission got it (also for idempotent retries). */
export interface SubmitResult {
  ok: boolean;
  /** Rejection code from the engine (or idempotency_key_reused) when ok is false. */
  rejection?: string;
  message?: string;
  /** The engine's outcome as JSON (position ids, exits, withdrawal id, …) when ok. */
  outcome?: Record<string, unknown>;
  /** Row-level details of a refused command that takes rows (coinImport's invalid_rows). */
  rows?: unknown[];
  /** Journal sequence number of the command (per tenant). */
  seq?: number;
}

/** A SQL connection for the application's own tables (users, products, …), same database. */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Runs fn inside one transaction. */
  transaction<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
}

export interface SubmitOptions {
  /** The command was forwarded by another node: never forward it again (HTTP 503 instead). */
  forwarded?: boolean;
}

/** This node's view of the tenants' writer leases (health, readiness, metrics). */
export interface LedgerStatus {
  nodeId: string;
  leaseTtlMs: number;
  /** writer: holds at least one tenant's lease; standby: holds none (forwards, serves reads). */
  role: "writer" | "standby";
  /** False when a lease this node holds cannot be written (not renewed in time, writer broken) or the database is unreachable. */
  ready: boolean;
  databaseReachable: boolean;
  leases: Array<{ tenantId: string; epoch: number; writable: boolean; renewedMsAgo: number }>;
  /** Tenants last seen held by another node. */
  elsewhere: Array<{ tenantId: string; nodeId: string; address: string; epoch: number }>;
}

export interface Ledger {
  readonly kind: "postgres" | "pglite";
  readonly sql: Sql;
  /** Creates a tenant with its first rule-set version (rules in RULES.md JSON form). */
  createTenant(tenantId: string, rules: unknown): Promise<void>;
  listTenants(): Promise<string[]>;
  /**
   * Submits one command; resolves only after the batch holding it has committed. A retry with the
   * same key gets the first answer; the same key with a different body gets idempotency_key_reused.
   */
  submit(
    tenantId: string,
    idempotencyKey: string,
    command: CommandJson,
    options?: SubmitOptions,
  ): Promise<SubmitResult>;
  /**
   * Reads the tenant's in-memory engine state (committed state only). On a node that does not hold
   * the tenant, from a follower copy that replays the journal's new rows first: it shows every
   * command acknowledged before the read began.
   */
  read<T>(tenantId: string, fn: (view: EngineView) => T): Promise<T>;
  /** Lease ownership and readiness of this node. */
  status(): LedgerStatus;
  /** Records this node's HTTP address on its leases, for other nodes to forward to. */
  advertise(address: string): Promise<void>;
  /** Whether `secret` is the database's forwarding secret (a forwarded command may be accepted). */
  acceptsForward(secret: string): boolean;
  close(): Promise<void>;
}
