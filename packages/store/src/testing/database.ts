/**
 * Test helpers for a real PostgreSQL (started by global-setup.ts): `createTestDatabase()` gives each
 * test a fresh database; `postgresAvailable` says whether the PostgreSQL suites can run (always true
 * in CI, where a missing PostgreSQL fails the run). The service tests reuse these.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { createDatabaseIn } from "../temporary-postgres.js";

const url = inject("postgresUrl");

export const postgresAvailable = url !== null;

let counter = 0;

/** A new empty database in the test PostgreSQL; returns its connection string. */
export async function createTestDatabase(): Promise<string> {
  if (url === null) throw new Error(`no test PostgreSQL: ${inject("postgresMissing")}`);
  const name = `zz_${process.pid}_${Date.now().toString(36)}_${++counter}`;
  return createDatabaseIn(url, name);
}

/** A new empty temporary directory for a PGlite data directory. */
export function createTestDataDir(): string {
  return mkdtempSync(join(tmpdir(), "zengzhi-pglite-"));
}
