import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (dir: string) => fileURLToPath(new URL(`./${dir}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources, not the compiled dist/.
    alias: {
      "@zengzhi/engine": src("packages/engine"),
      "@zengzhi/store": src("packages/store"),
      "@zengzhi/contract": src("packages/contract"),
      "@zengzhi/sim": src("packages/sim"),
      "@zengzhi/server": src("apps/server"),
    },
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "apps/*/test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // A real PostgreSQL for the ledger tests (packages/store/test/database.ts); CI fails without it.
    globalSetup: ["packages/store/test/global-setup.ts"],
  },
});
