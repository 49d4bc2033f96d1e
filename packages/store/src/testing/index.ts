/**
 * `@zengzhi/store/testing`: the store's helpers for other packages' tests (a fresh database in the
 * test PostgreSQL started by global-setup.ts, a fresh PGlite directory). Test code only: vitest runs
 * it from source, and it is left out of the package's build.
 */
export { createTestDataDir, createTestDatabase, postgresAvailable } from "./database.js";
export {
  AUTO_FAILOVER_PACKAGE,
  type AutoFailoverFormation,
  type FormationNode,
  type FormationOptions,
  requireAutoFailover,
  startAutoFailover,
} from "./auto-failover.js";
