/**
 * One small interface over the two databases: a PostgreSQL server (pg Pool) and embedded PGlite.
 * The ledger, the migrations and verify use only this; the application gets it as `ledger.sql`.
 */
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { Sql } from "./api.js";

/** A transaction's connection; `execute` runs several statements without parameters. */
export interface TransactionSql extends Sql {
  execute(text: string): Promise<void>;
}

export interface Database extends Sql {
  readonly kind: "postgres" | "pglite";
  transaction<T>(fn: (sql: TransactionSql) => Promise<T>): Promise<T>;
  /** Runs several statements without parameters (migrations). */
  execute(text: string): Promise<void>;
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

class PgliteDatabase implements Database {
  readonly kind = "pglite";
  constructor(readonly db: PGlite) {}

  async query<T = Record<string, unknown>>(text: string, params?: unknown[]): Rows<T> {
    const result = await this.db.query<T>(text, params);
    return { rows: result.rows };
  }

  async execute(text: string): Promise<void> {
    await this.db.exec(text);
  }

  async transaction<T>(fn: (sql: TransactionSql) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      const sql: TransactionSql = {
        query: async <R>(text: string, params?: unknown[]) => ({
          rows: (await tx.query<R>(text, params)).rows,
        }),
        execute: async (text: string) => void (await tx.exec(text)),
        transaction: (inner) => inner(sql),
      };
      return fn(sql);
    });
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

export function connectPostgres(databaseUrl: string, poolSize = 10): Database {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // An idle client that loses its connection must not crash the process; the next query fails instead.
  pool.on("error", () => undefined);
  return new PostgresDatabase(pool);
}

export async function openPglite(dataDir: string): Promise<Database> {
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  return new PgliteDatabase(db);
}
