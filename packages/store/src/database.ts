/**
 * One small interface over the two databases: a PostgreSQL server (pg Pool) and embedded PGlite.
 * The ledger, the migrations and verify use only this; the application gets it as `ledger.sql`.
 */
import { mkdirSync } from "node:fs";
import { Worker } from "node:worker_threads";
import pg from "pg";
import type { Sql } from "./api.js";
import { newPostgresPool } from "./postgres-hosts.js";

/** A transaction's connection; `execute` runs several statements without parameters. */
export interface TransactionSql extends Sql {
  execute(text: string): Promise<void>;
}

export interface Database extends Sql {
  readonly kind: "postgres" | "pglite";
  transaction<T>(fn: (sql: TransactionSql) => Promise<T>): Promise<T>;
  /** Runs several statements without parameters (migrations). */
  execute(text: string): Promise<void>;
  /**
   * Runs a statement kept prepared under `name` on its connection: parsed and planned once, then only
   * bound and executed. For the hot path (the batch commit), so it returns no rows; an error still
   * rejects. `text` must be the same on every call with that name.
   */
  executePrepared(name: string, text: string, params: unknown[]): Promise<void>;
  /**
   * PGlite only: a consistent copy of the data directory as a gzipped tar, taken while the database
   * runs (commits wait for the `dumpMs` it takes). See backup.ts.
   */
  dumpDataDir?(): Promise<{ gzipped: Uint8Array; dumpMs: number }>;
  close(): Promise<void>;
}

type Rows<T> = Promise<{ rows: T[] }>;

class PostgresDatabase implements Database {
  readonly kind = "postgres";
  constructor(readonly pool: pg.Pool) {}

  async query<T = Record<string, unknown>>(text: string, params?: unknown[]): Rows<T> {
    const result = await this.pool.query(text, params);
    return { rows: result.rows as T[] };
  }

  async execute(text: string): Promise<void> {
    await this.pool.query(text);
  }

  async executePrepared(name: string, text: string, params: unknown[]): Promise<void> {
    // node-postgres prepares a named statement once per pooled connection.
    await this.pool.query({ name, text, values: params });
  }

  async transaction<T>(fn: (sql: TransactionSql) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const sql: TransactionSql = {
      query: async <R>(text: string, params?: unknown[]) => ({
        rows: (await client.query(text, params)).rows as R[],
      }),
      execute: async (text: string) => void (await client.query(text)),
      transaction: (inner) => inner(sql),
    };
    try {
      await client.query("BEGIN");
      const value = await fn(sql);
      await client.query("COMMIT");
      client.release();
      return value;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      // A client whose state is unknown is not returned to the pool.
      client.release(true);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** A request to the PGlite thread (pglite-worker.mjs); `tx` names an open transaction. */
type WorkerRequest =
  | { op: "query"; text: string; params: unknown[] | undefined; tx: number | undefined }
  | { op: "exec"; text: string; tx: number | undefined }
  | { op: "prepared"; name: string; text: string; params: unknown[] }
  | { op: "begin" }
  | { op: "end"; tx: number; commit: boolean }
  | { op: "dump" }
  | { op: "close" };

type WorkerReply = { id: number; value?: unknown; error?: Record<string, unknown> & { message: string } };

/** The worker's error as an Error again, with the database's fields (code, detail, …). */
function errorFromWorker(data: Record<string, unknown> & { message: string }): Error {
  return Object.assign(new Error(data.message), data);
}

/**
 * PGlite in a worker thread. PGlite executes each statement synchronously on the thread that calls
 * it: on the service's thread a batch commit (about 1 ms, plus 10–20 µs per row) blocked every HTTP
 * request meanwhile. In a worker the commit runs on the other core while the writer prepares the next
 * batch and the service answers requests; only the statement's text and parameters and the result
 * rows cross threads. Statements run in the order they are sent, as with one PGlite connection.
 */
class PgliteWorkerDatabase implements Database {
  readonly kind = "pglite";
  private nextId = 1;
  private readonly calls = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private broken: Error | null = null;

  constructor(private readonly worker: Worker) {
    worker.on("message", (reply: WorkerReply) => this.settle(reply));
    worker.on("error", (error) => this.fail(error));
    worker.on("exit", (code) => this.fail(new Error(`the PGlite thread exited with code ${code}`)));
    // An idle database does not keep the process alive (as PGlite in the same thread did not).
    worker.unref();
  }

  async query<T = Record<string, unknown>>(text: string, params?: unknown[]): Rows<T> {
    return { rows: (await this.call({ op: "query", text, params, tx: undefined })) as T[] };
  }

  async execute(text: string): Promise<void> {
    await this.call({ op: "exec", text, tx: undefined });
  }

  async executePrepared(name: string, text: string, params: unknown[]): Promise<void> {
    await this.call({ op: "prepared", name, text, params });
  }

  async dumpDataDir(): Promise<{ gzipped: Uint8Array; dumpMs: number }> {
    return (await this.call({ op: "dump" })) as { gzipped: Uint8Array; dumpMs: number };
  }

  async transaction<T>(fn: (sql: TransactionSql) => Promise<T>): Promise<T> {
    const tx = (await this.call({ op: "begin" })) as number;
    const sql: TransactionSql = {
      query: async <R>(text: string, params?: unknown[]) => ({
        rows: (await this.call({ op: "query", text, params, tx })) as R[],
      }),
      execute: async (text: string) => void (await this.call({ op: "exec", text, tx })),
      transaction: (inner) => inner(sql),
    };
    let value: T;
    try {
      value = await fn(sql);
    } catch (error) {
      await this.call({ op: "end", tx, commit: false }).catch(() => undefined);
      throw error;
    }
    await this.call({ op: "end", tx, commit: true });
    return value;
  }

  async close(): Promise<void> {
    try {
      await this.call({ op: "close" });
    } finally {
      await this.worker.terminate();
    }
  }

  private call(request: WorkerRequest): Promise<unknown> {
    if (this.broken !== null) return Promise.reject(this.broken);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // While an answer is awaited the worker keeps the process alive.
      if (this.calls.size === 0) this.worker.ref();
      this.calls.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...request });
    });
  }

  private settle(reply: WorkerReply): void {
    const call = this.calls.get(reply.id);
    if (call === undefined) return;
    this.calls.delete(reply.id);
    if (this.calls.size === 0) this.worker.unref();
    if (reply.error !== undefined) call.reject(errorFromWorker(reply.error));
    else call.resolve(reply.value);
  }

  private fail(error: Error): void {
    this.broken ??= error;
    for (const call of this.calls.values()) call.reject(error);
    this.calls.clear();
  }
}

export function connectPostgres(databaseUrl: string, poolSize = 10): Database {
  // A URL with several hosts connects each pooled client to the first writable one (postgres-hosts.ts).
  const pool = newPostgresPool(databaseUrl, poolSize);
  // An idle client that loses its connection must not crash the process; the next query fails instead.
  pool.on("error", () => undefined);
  return new PostgresDatabase(pool);
}

/** The worker's script, beside this file's source (dist/ and the tests' sources both reach it). */
const PGLITE_WORKER = new URL("../src/pglite-worker.mjs", import.meta.url);

export async function openPglite(dataDir: string): Promise<Database> {
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  const worker = new Worker(PGLITE_WORKER, { workerData: { dataDir } });
  const ready = await new Promise<{ ready: boolean; error?: { message: string } }>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  if (!ready.ready) {
    await worker.terminate();
    throw errorFromWorker(ready.error ?? { message: "PGlite did not open" });
  }
  return new PgliteWorkerDatabase(worker);
}
