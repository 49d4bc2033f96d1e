/**
 * Forward-only migrations: every `migrations/NNNN_name.sql` file, in order, each applied once inside
 * a transaction and recorded in `schema_migrations`. The store owns 0001–0099; application tables
 * (apps/server) are 0100 and later, in the same folder.
 */
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Database } from "./database.js";

/** The folder holding the SQL files, next to src/ and dist/. */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../migrations/", import.meta.url));

const FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort();
  const migrations: Migration[] = [];
  for (const name of files) {
    const match = FILE_NAME.exec(name);
    if (match === null) throw new Error(`migration file name ${name} must look like 0001_name.sql`);
    const version = Number(match[1]);
    if (migrations.some((m) => m.version === version)) throw new Error(`two migrations numbered ${match[1]}`);
    migrations.push({ version, name, sql: readFileSync(`${dir}/${name}`, "utf8") });
  }
  return migrations;
}

/** Applies the migrations not yet recorded; returns the names applied. */
export async function migrate(db: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  await db.execute(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  const applied: string[] = [];
  for (const migration of readMigrations(dir)) {
    const done = await db.transaction(async (sql) => {
      // Serialises concurrent starters on PostgreSQL; the loser sees the row and skips.
      if (db.kind === "postgres") await sql.query("SELECT pg_advisory_xact_lock(2053, 0)");
      const { rows } = await sql.query("SELECT 1 FROM schema_migrations WHERE version = $1", [
        migration.version,
      ]);
      if (rows.length > 0) return false;
      await sql.execute(migration.sql);
      await sql.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (done) applied.push(migration.name);
  }
  return applied;
}
