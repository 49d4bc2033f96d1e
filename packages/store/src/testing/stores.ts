/**
 * The two stores the contract suite runs against. Each `open` gives a ledger on a fresh database;
 * `reopen` opens the same database again (a restart) after the previous ledger was closed.
 */
import { openLedger, type Ledger, type LedgerOptions } from "../index.js";
import { createTestDataDir, createTestDatabase, postgresAvailable } from "./database.js";

export interface StoreUnderTest {
  name: "pglite" | "postgres";
  /** False only outside CI when no PostgreSQL could start. */
  available: boolean;
  /** A fresh database; the returned location reopens it. */
  create(): Promise<Location>;
}

export type Location = { databaseUrl: string } | { dataDir: string };

export const STORES: StoreUnderTest[] = [
  { name: "pglite", available: true, create: async () => ({ dataDir: createTestDataDir() }) },
  {
    name: "postgres",
    available: postgresAvailable,
    create: async () => ({ databaseUrl: await createTestDatabase() }),
  },
];

export function open(
  location: Location,
  options: Omit<LedgerOptions, "databaseUrl" | "dataDir"> = {},
): Promise<Ledger> {
  return openLedger({ ...options, ...location });
}
