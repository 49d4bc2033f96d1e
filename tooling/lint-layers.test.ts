/**
 * The layer rules of eslint.config.js, proven: each row lints a one-line module placed at a
 * (possibly not yet existing) path with the repository's real ESLint config, and expects the import
 * to be refused or accepted. Also keeps the config's list of known violations honest.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const eslint = new ESLint({ cwd: root });
const LAYER_RULES = new Set(["no-restricted-imports", "no-restricted-syntax"]);

/** The layer errors ESLint reports for `code` as if it were the file at `path`. */
async function layerErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  if (result === undefined) throw new Error(`no lint result for ${path}`);
  const fatal = result.messages.filter((message) => message.fatal === true);
  if (fatal.length > 0) throw new Error(`${path}: ${fatal[0]?.message}`);
  return result.messages
    .filter((message) => message.ruleId !== null && LAYER_RULES.has(message.ruleId))
    .map((message) => message.message);
}

const importOf = (source: string) => `import { x } from "${source}";\nexport { x };\n`;

type Row = [path: string, source: string];

const refused: Row[] = [
  // The engine imports no other workspace package.
  ["packages/engine/src/engine.ts", "@zengzhi/store"],
  ["packages/engine/src/engine.ts", "@zengzhi/contract"],
  ["packages/engine/src/engine.ts", "zengzhi"],
  // The store and the simulator stand on the engine only.
  ["packages/store/src/ledger.ts", "@zengzhi/sim"],
  ["packages/store/src/ledger.ts", "@zengzhi/server"],
  ["packages/store/src/ledger.ts", "@zengzhi/contract"],
  ["packages/store/src/ledger.ts", "../../../apps/server/dist/index.js"],
  ["packages/sim/src/run.ts", "@zengzhi/store"],
  ["packages/sim/src/run.ts", "@zengzhi/contract"],
  // The contract: the engine and zod, nothing else.
  ["packages/contract/src/errors.ts", "@zengzhi/store"],
  ["packages/contract/src/errors.ts", "fastify"],
  ["packages/contract/src/errors.ts", "node:fs"],
  ["packages/contract/src/errors.test.ts", "@zengzhi/server"],
  // Payments: node:crypto, zod and alipay-sdk; no other workspace package, tests included.
  ["packages/payments/src/provider.ts", "@zengzhi/engine"],
  ["packages/payments/src/provider.ts", "@zengzhi/contract"],
  ["packages/payments/src/wechat/client.ts", "undici"],
  ["packages/payments/src/wechat/provider.test.ts", "@zengzhi/store"],
  ["packages/payments/src/testing/wechat-fake.ts", "@zengzhi/server"],
  // The server: engine, store, contract, payments, sim; never cli or web.
  ["apps/server/src/app.ts", "@zengzhi/web"],
  ["apps/server/src/app.ts", "zengzhi"],
  ["apps/server/test/start.test.ts", "zengzhi/dist/node-flags.js"],
  // Routes: no other route, no SQL, no store.
  ["apps/server/src/routes/sales.ts", "./orders.js"],
  ["apps/server/src/routes/sales.ts", "../routes/orders.js"],
  ["apps/server/src/routes/sales.ts", "../db/orders.js"],
  ["apps/server/src/routes/sales.ts", "@zengzhi/store"],
  ["apps/server/src/routes/sales.ts", "@zengzhi/sim"],
  // Use cases never reach up to routes or http; db reaches up to nothing.
  ["apps/server/src/domain/sales.ts", "../routes/sales.js"],
  ["apps/server/src/domain/sales.ts", "../http/errors.js"],
  ["apps/server/src/domain/sales/record.ts", "../../http/errors.js"],
  ["apps/server/src/db/orders.ts", "../domain/sales.js"],
  ["apps/server/src/db/orders.ts", "../routes/sales.js"],
  ["apps/server/src/db/orders.ts", "../http/app.js"],
  // The CLI uses everything but the web app.
  ["apps/cli/src/main.ts", "@zengzhi/web"],
  // The web app: contract, simulator, engine; never store, server or cli.
  ["apps/web/src/lib/api.ts", "@zengzhi/store"],
  ["apps/web/src/lib/api.ts", "@zengzhi/server"],
  ["apps/web/src/lib/api.ts", "zengzhi"],
  ["apps/web/src/lib/api.ts", "../../../server/src/index.js"],
  ["apps/web/test/browser.test.ts", "zengzhi"],
  ["apps/web/src/pages/member/wallet.tsx", "@zengzhi/server"],
  ["apps/web/src/pages/member/parts/list.tsx", "@zengzhi/store"],
  // A page never imports another page, at any depth, however the path is spelled.
  ["apps/web/src/pages/operator/payouts.tsx", "../member/wallet.js"],
  ["apps/web/src/pages/operator/overview.tsx", "../public.js"],
  ["apps/web/src/pages/operator/lists.tsx", "../../pages/merchant/index.js"],
  ["apps/web/src/pages/member/parts/list.tsx", "../../operator/tables.js"],
  ["apps/web/src/pages/member/wallet.test.tsx", "../operator/tables.js"],
  // No file reaches into another package's src/ or test/, tests and root scripts included.
  ["apps/server/test/helpers.ts", "../../../packages/store/test/database.js"],
  ["apps/server/src/domain/sales.test.ts", "../../../../packages/store/src/testing/database.js"],
  ["apps/cli/src/verify.test.ts", "@zengzhi/store/src/index.js"],
  ["apps/cli/src/verify.test.ts", "../../../packages/store/src/index.js"],
  ["packages/sim/src/run.test.ts", "../../engine/src/engine.js"],
  ["bench/engine.mjs", "../packages/engine/src/index.js"],
  ["tooling/check.ts", "../apps/server/test/helpers.js"],
];

const accepted: Row[] = [
  ["packages/engine/src/engine.ts", "zod"],
  ["packages/engine/src/engine.ts", "./rules.js"],
  ["packages/engine/src/engine.test.ts", "@zengzhi/engine"],
  ["packages/store/src/ledger.ts", "@zengzhi/engine"],
  ["packages/store/src/ledger.ts", "pg"],
  ["packages/store/src/contract.test.ts", "./testing/stores.js"],
  ["packages/sim/src/run.ts", "@zengzhi/engine"],
  ["packages/contract/src/errors.ts", "@zengzhi/engine"],
  ["packages/contract/src/errors.ts", "zod"],
  ["packages/contract/src/errors.ts", "./status.js"],
  ["packages/contract/src/errors.test.ts", "vitest"],
  ["apps/server/src/app.ts", "@zengzhi/engine"],
  ["apps/server/src/app.ts", "@zengzhi/store"],
  ["apps/server/src/app.ts", "@zengzhi/contract"],
  ["apps/server/src/domain/payments.ts", "@zengzhi/payments"],
  ["apps/server/src/domain/payments.test.ts", "@zengzhi/payments/testing"],
  ["packages/payments/src/wechat/crypto.ts", "node:crypto"],
  ["packages/payments/src/notification.ts", "zod"],
  ["packages/payments/src/alipay/provider.ts", "alipay-sdk"],
  ["packages/payments/src/wechat/provider.test.ts", "vitest"],
  ["packages/payments/src/wechat/provider.test.ts", "../testing/index.js"],
  ["apps/server/src/app.ts", "@zengzhi/sim"],
  ["apps/server/src/domain/rule-preview.ts", "@zengzhi/sim/node"],
  ["apps/server/test/helpers.ts", "@zengzhi/store/testing"],
  ["apps/server/src/routes/sales.ts", "../http/app.js"],
  ["apps/server/src/routes/sales.ts", "../domain/sales.js"],
  ["apps/server/src/routes/sales.ts", "@zengzhi/contract"],
  ["apps/server/src/routes/sales.test.ts", "./sales.js"],
  ["apps/server/src/domain/sales.ts", "../db/orders.js"],
  ["apps/server/src/domain/sales.ts", "@zengzhi/store"],
  ["apps/server/src/db/orders.ts", "@zengzhi/store"],
  ["apps/server/src/http/app.ts", "../routes/sales.js"],
  ["apps/cli/src/start.ts", "@zengzhi/server"],
  ["apps/cli/src/simulate.ts", "@zengzhi/sim/node"],
  ["apps/cli/src/verify.ts", "@zengzhi/store"],
  ["apps/web/src/lib/api.ts", "@zengzhi/contract"],
  ["apps/web/src/pages/simulator/worker.ts", "@zengzhi/sim"],
  ["apps/web/src/pages/simulator/worker.ts", "@zengzhi/engine"],
  ["apps/web/src/pages/member/wallet.tsx", "../../components/table.js"],
  ["apps/web/src/pages/member/wallet.tsx", "./home.js"],
  ["apps/web/src/pages/member/parts/list.tsx", "../home.js"],
  ["apps/web/src/app.tsx", "./pages/member/home.js"],
  ["apps/web/test/browser.test.ts", "@zengzhi/server"],
  ["apps/web/test/checkout.test.ts", "@zengzhi/payments/testing"],
  ["bench/http.mjs", "../apps/cli/dist/node-flags.js"],
];

describe("the layer rules of eslint.config.js", () => {
  it.each(refused)("%s may not import %s", async (path, source) => {
    expect((await layerErrors(path, importOf(source))).length).toBeGreaterThan(0);
  });

  it.each(accepted)("%s may import %s", async (path, source) => {
    expect(await layerErrors(path, importOf(source))).toEqual([]);
  });

  it("refuse the same imports as type imports, re-exports and dynamic import()", async () => {
    const path = "apps/web/src/lib/api.ts";
    expect(
      await layerErrors(
        path,
        `import type { Services } from "@zengzhi/server";\nexport type { Services };\n`,
      ),
    ).toHaveLength(1);
    expect(await layerErrors("packages/sim/src/index.ts", `export * from "@zengzhi/store";\n`)).toHaveLength(
      1,
    );
    expect(
      await layerErrors(
        "packages/engine/src/engine.ts",
        `export const load = () => import("@zengzhi/store");\n`,
      ),
    ).toHaveLength(1);
    expect(await layerErrors(path, `export const load = () => import("@zengzhi/server");\n`)).toHaveLength(1);
    expect(await layerErrors(path, `export const load = () => import("@zengzhi/contract");\n`)).toEqual([]);
  });
});
