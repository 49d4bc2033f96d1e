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
  /** The audit entry committed with the command (forwarded along with it to the holder). */
  audit?: AuditNote;
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

/**
 * An audit entry written with a ledger command, in the statement that commits it (issue #11): the
 * command and its entry are both recorded or neither is. Written only when the engine accepts the
 * command; a repeated key writes nothing new.
 */
export interface AuditNote {
  actor: string;
  role: string;
  action: string;
  target?: string | null;
  detail?: Record<string, unknown> | null;
}

/**
 * The JSON text of an audit entry, made so that PostgreSQL cannot refuse it: NUL characters (which
 * neither `text` nor `jsonb` can hold) become U+FFFD, and so do unpaired surrogates.
 */
export function auditNoteText(note: AuditNote): string {
  const entry = {
    actor: note.actor,
    role: note.role,
    action: note.action,
    target: note.target ?? null,
    detail: note.detail ?? null,
  };
  // JSON.stringify writes NUL as \u0000 and an unpaired surrogate as \udXXX (a pair stays raw), so
  // the common entry is checked once on its text; only a suspect one is written again value by value.
  const text = JSON.stringify(entry);
  if (!SUSPECT_ESCAPE.test(text)) return text;
  return JSON.stringify(entry, (_key, value: unknown) =>
    typeof value === "string" ? value.replace(UNSTORABLE, "\uFFFD") : value,
  );
}

/** The escapes JSON.stringify writes for NUL and for unpaired surrogates. */
const SUSPECT_ESCAPE = /\\u0000|\\ud[89a-f]/i;

/** NUL and unpaired surrogates: what PostgreSQL's text and jsonb refuse. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this must find.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
