// @ts-check
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

// ---------------------------------------------------------------------------------------------------
// Layers. Imports go one way: engine ← store ← server ← cli; engine ← sim ← server; the web app uses only the
// contract, the simulator and the engine. Each entry below is a forbidden import (a regular
// expression on the import's text) with the reason shown to whoever writes it. The blocks at the
// end of this file give each folder its list; tooling/lint-layers.test.ts proves that every rule
// fires. ESLint keeps only the last matching block's options for a rule, so every block lists
// everything that applies to its files.
// ---------------------------------------------------------------------------------------------------

/** @param {string} regex @param {string} message */
const forbid = (regex, message) => ({ regex, message });

/** Workspace packages other than the listed ones (their subpaths included), and the CLI. */
const workspaceExcept = (/** @type {string[]} */ allowed, /** @type {string} */ message) => [
  forbid(`^@zengzhi/(?!(${allowed.join("|")})(/|$))`, message),
  forbid("^zengzhi(/|$)", message),
];

/** Every file, tests included: a package is used through its name and its declared exports. */
const ANY_FILE = [
  forbid(
    "^(@zengzhi/[^/]+|zengzhi)/(src|test|dist)(/|$)",
    "Import a package by its name (and its declared subpath exports), never its src/, test/ or dist/.",
  ),
  forbid(
    "^(\\.\\./)+((packages|apps)/[^/]+|engine|store|sim|contract|server|cli|web)/(src|test)(/|$)",
    "Never reach another package's src/ or test/ by a relative path: import the package by name.",
  ),
];

/** Every file of a workspace package: leaving the package by a relative path. */
const IN_PACKAGE = [
  forbid(
    "^(\\.\\./)+(packages|apps)/",
    "Do not leave the package by a relative path: import the package by name.",
  ),
];

const ENGINE = workspaceExcept(["engine"], "packages/engine imports no other workspace package.");
const STORE = workspaceExcept(["engine", "store"], "packages/store may import only @zengzhi/engine.");
const SIM = workspaceExcept(["engine", "sim"], "packages/sim may import only @zengzhi/engine.");
const CONTRACT_TESTS = workspaceExcept(
  ["engine", "contract"],
  "packages/contract may import only @zengzhi/engine and zod.",
);
const CONTRACT = [
  forbid(
    "^(?!\\.|(@zengzhi/(engine|contract)|zod)(/|$))",
    "packages/contract may import only @zengzhi/engine and zod.",
  ),
];
/** Payment providers: node:crypto, zod and alipay-sdk; no other workspace package (tests included). */
const PAYMENTS_TESTS = workspaceExcept(["payments"], "packages/payments imports no other workspace package.");
const PAYMENTS = [
  forbid(
    "^(?!\\.|node:|(@zengzhi/payments|zod|alipay-sdk)(/|$))",
    "packages/payments may import only node: modules, zod and alipay-sdk.",
  ),
];
// The server runs the simulator for rule-change previews (domain/ only): the simulator is pure and
// applies every command through the engine, so it brings no rule of its own into the service.
const SERVER = workspaceExcept(
  ["engine", "store", "contract", "payments", "sim", "server"],
  "apps/server may import only @zengzhi/engine, @zengzhi/store, @zengzhi/contract, @zengzhi/payments and @zengzhi/sim (never cli or web).",
);
const CLI = [forbid("^@zengzhi/web(/|$)", "apps/cli may import any package but the web app.")];
const WEB = workspaceExcept(
  ["contract", "sim", "engine", "web"],
  "apps/web may import only @zengzhi/contract, @zengzhi/sim and @zengzhi/engine: it talks to the server over HTTP.",
);
/**
 * The web app's end-to-end tests start the real server, so they may import it and the store, and the
 * providers' local fakes (@zengzhi/payments/testing) that the server talks to.
 */
const WEB_TESTS = workspaceExcept(
  ["contract", "sim", "engine", "web", "server", "store", "payments"],
  "apps/web's tests may import the web app, @zengzhi/contract, sim, engine, and (to run the service and its providers' fakes) server, store and payments.",
);

// Inside apps/server/src: http/ (Fastify app, route registration, errors, auth) → routes/ (thin
// handlers) → domain/ (use cases) → db/ (SQL on the app tables). These apply to the folders' source
// files; their tests follow the apps/server rule.
const ROUTES = [
  forbid("^\\./", "A route never imports another route: shared code belongs in domain/ or http/."),
  forbid(
    "^(\\.\\./)+routes(/|$)",
    "A route never imports another route: shared code belongs in domain/ or http/.",
  ),
  forbid("^(\\.\\./)+db(/|$)", "A route never runs SQL: call a use case in domain/."),
  forbid("^@zengzhi/store(/|$)", "A route never uses the store: call a use case in domain/."),
  forbid("^@zengzhi/sim(/|$)", "A route never runs the simulator: call a use case in domain/."),
];
const DOMAIN = [forbid("^(\\.\\./)+(routes|http)(/|$)", "domain/ never imports routes/ or http/.")];
const DB = [forbid("^(\\.\\./)+(domain|routes|http)(/|$)", "db/ never imports domain/, routes/ or http/.")];

/** A file `depth` folders below apps/web/src/pages/X/ may not reach pages/ or another page. */
const pagesAt = (/** @type {number} */ depth) => [
  forbid(
    `^(\\.\\./){${depth}}[^./]`,
    "A page never imports another page: shared code belongs in components/ or lib/.",
  ),
  forbid(
    "^(\\.\\./)+(src/)?pages/",
    "A page never imports another page: shared code belongs in components/ or lib/.",
  ),
];

const TEST_FILES = ["**/*.test.*", "**/test/**", "**/testing/**"];
const CODE = "**/*.{js,mjs,cjs,jsx,ts,tsx,mts,cts}";

/**
 * The two rules for one set of forbidden imports: static imports and re-exports, and `import()`
 * with a literal path (esquery's regular expressions cannot contain a slash, hence \x2F).
 * @param {{regex: string, message: string}[]} patterns
 */
function importRules(patterns) {
  const unique = [...new Map(patterns.map((pattern) => [pattern.regex, pattern])).values()];
  return {
    "no-restricted-imports": ["error", { patterns: unique }],
    "no-restricted-syntax": [
      "error",
      ...unique.map(({ regex, message }) => ({
        selector: `ImportExpression[source.value=/${regex.replaceAll("/", "\\x2F")}/i]`,
        message,
      })),
    ],
  };
}

/**
 * One config block: `files` (minus `ignores`) get every listed set of forbidden imports.
 * @param {string[]} files @param {{regex: string, message: string}[][]} sets @param {string[]} [ignores]
 */
function layer(files, sets, ignores) {
  return {
    files: files.map((folder) => (folder.includes("*") ? folder : `${folder}/${CODE}`)),
    ...(ignores === undefined ? {} : { ignores }),
    rules: importRules([...ANY_FILE, ...sets.flat()]),
  };
}

/** The page rule for page folders up to three levels deep, in the web app's code and its tests. */
const pageLayers = [1, 2, 3].flatMap((depth) => {
  const files = [`apps/web/src/pages/*/${"*/".repeat(depth - 1)}*.{ts,tsx}`];
  return [
    layer(files, [IN_PACKAGE, WEB_TESTS, pagesAt(depth)]),
    layer(files, [IN_PACKAGE, WEB, pagesAt(depth)], TEST_FILES),
  ];
});

const layers = [
  layer([CODE], []),
  layer(["packages/engine"], [IN_PACKAGE, ENGINE]),
  layer(["packages/store"], [IN_PACKAGE, STORE]),
  layer(["packages/sim"], [IN_PACKAGE, SIM]),
  layer(["packages/payments"], [IN_PACKAGE, PAYMENTS_TESTS]),
  layer(["packages/payments"], [IN_PACKAGE, PAYMENTS_TESTS, PAYMENTS], TEST_FILES),
  layer(["packages/contract"], [IN_PACKAGE, CONTRACT_TESTS]),
  layer(["packages/contract"], [IN_PACKAGE, CONTRACT_TESTS, CONTRACT], TEST_FILES),
  layer(["apps/server"], [IN_PACKAGE, SERVER]),
  layer(["apps/server/src/routes"], [IN_PACKAGE, SERVER, ROUTES], TEST_FILES),
  layer(["apps/server/src/domain"], [IN_PACKAGE, SERVER, DOMAIN], TEST_FILES),
  layer(["apps/server/src/db"], [IN_PACKAGE, SERVER, DB], TEST_FILES),
  layer(["apps/cli"], [IN_PACKAGE, CLI]),
  layer(["apps/web"], [IN_PACKAGE, WEB_TESTS]),
  layer(["apps/web"], [IN_PACKAGE, WEB], TEST_FILES),
  ...pageLayers,
];

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/node_modules/**", "**/coverage/**", "data/**", "**/*.d.ts"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      eqeqeq: ["error", "always"],
      "no-console": "off",
    },
  },
  ...layers,
);
