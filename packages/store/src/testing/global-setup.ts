/**
 * Vitest global setup: a real PostgreSQL for the tests. DATABASE_URL when set (a role that may
 * CREATE DATABASE), else a throwaway cluster from the machine's binaries, removed afterwards.
 * In CI (CI=true) a PostgreSQL that cannot start fails the run instead of skipping its suites.
 */
import type { TestProject } from "vitest/node";
import { type TemporaryPostgres, startTemporaryPostgres } from "../temporary-postgres.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Superuser URL of the test PostgreSQL, or null when none could start (outside CI only). */
    postgresUrl: string | null;
    /** Why postgresUrl is null. */
    postgresMissing: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv !== undefined && fromEnv !== "") {
    project.provide("postgresUrl", fromEnv);
    project.provide("postgresMissing", "");
    return async () => undefined;
  }
  let cluster: TemporaryPostgres;
  try {
    cluster = await startTemporaryPostgres();
  } catch (error) {
    const reason = (error as Error).message;
    if (process.env.CI === "true")
      throw new Error(`CI needs PostgreSQL for the ledger tests: ${reason}`, { cause: error });
    console.warn(`[zengzhi] PostgreSQL suites are skipped: ${reason}`);
    project.provide("postgresUrl", null);
    project.provide("postgresMissing", reason);
    return async () => undefined;
  }
  project.provide("postgresUrl", cluster.url);
  project.provide("postgresMissing", "");
  return () => cluster.stop();
}
