import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const path = (file: string) => fileURLToPath(new URL(`./${file}`, import.meta.url));
/** An exact import name (not its subpaths) to a TypeScript source file. */
const exactly = (name: string, file: string) => ({
  find: new RegExp(`^${name.replaceAll("/", "\\/")}$`),
  replacement: path(file),
});

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources, not the compiled dist/.
    alias: [
      exactly("@zengzhi/engine", "packages/engine/src/index.ts"),
      exactly("@zengzhi/store", "packages/store/src/index.ts"),
      exactly("@zengzhi/store/testing", "packages/store/src/testing/index.ts"),
      exactly("@zengzhi/contract", "packages/contract/src/index.ts"),
      exactly("@zengzhi/sim", "packages/sim/src/index.ts"),
      exactly("@zengzhi/payments", "packages/payments/src/index.ts"),
      exactly("@zengzhi/payments/testing", "packages/payments/src/testing/index.ts"),
      exactly("@zengzhi/sim/node", "packages/sim/src/node.ts"),
      exactly("@zengzhi/server", "apps/server/src/index.ts"),
    ],
  },
  test: {
    // Tests sit next to what they test (`x.test.ts` beside `x.ts`); the `test/` folders are the
    // layout being moved away from.
    include: [
      "packages/*/src/**/*.test.{ts,tsx}",
      "apps/*/src/**/*.test.{ts,tsx}",
      "packages/*/test/**/*.test.ts",
      "apps/*/test/**/*.test.ts",
      "tooling/**/*.test.ts",
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // A real PostgreSQL for the ledger tests (packages/store/src/testing/database.ts); CI fails without it.
    globalSetup: ["packages/store/src/testing/global-setup.ts"],
  },
});
