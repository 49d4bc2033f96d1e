// Pages do not import each other: what two pages share lives in components/ (or lib/). A file under
// pages/ may import from its own page folder (pages/operator/ from pages/operator/), nothing else
// under pages/; components/ and lib/ import no page at all. Only app.tsx, the router, imports pages.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : /\.tsx?$/.test(entry.name)
        ? [join(dir, entry.name)]
        : [],
  );
}

/** The relative specifiers of a module's static imports, re-exports and dynamic imports. */
function importSpecifiers(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(
    /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']+)["']/gm,
  )) {
    found.push(match[1]!);
  }
  return found;
}

/**
 * Which page a file belongs to, by its path relative to src/: "pages/operator" for anything under
 * pages/operator/, the file itself for a page file directly under pages/, null outside pages/.
 */
function pageOf(path: string): string | null {
  const parts = path.split("/");
  if (parts[0] !== "pages") return null;
  return parts.length > 2 ? `pages/${parts[1]}` : path.replace(/\.js$|\.tsx?$/, "");
}

/** The imports of `from` (a path relative to src/) that cross into another page, as "from → to". */
function crossPageImports(from: string, source: string): string[] {
  const origin = pageOf(from);
  return importSpecifiers(source)
    .map((specifier) =>
      relative(SRC, resolve(SRC, dirname(from), specifier))
        .split(sep)
        .join("/"),
    )
    .filter((target) => {
      const page = pageOf(target);
      if (page === null) return false;
      // The router (app.tsx, main.tsx) imports the pages; components/ and lib/ must not.
      if (origin === null) return !/^(app|main)\.tsx?$/.test(from);
      return page !== origin;
    })
    .map((target) => `${from} → ${target}`);
}

describe("page imports", () => {
  it("no page imports another page's files, and no component or lib file imports a page", () => {
    const crossings = sourceFiles(SRC).flatMap((file) => {
      const path = relative(SRC, file).split(sep).join("/");
      return crossPageImports(path, readFileSync(file, "utf8"));
    });
    expect(crossings).toEqual([]);
  });

  it("the check sees a crossing, and lets imports inside one page folder and from components pass", () => {
    const source = [
      'import { OrderTable } from "../merchant/index.js";',
      'import { Dashboard } from "./dashboard.js";',
      'import { Card } from "../../components/ui.js";',
      'const lazy = import("../public.js");',
      'export { usePriceSeries } from "../public.js";',
    ].join("\n");
    expect(crossPageImports("pages/operator/tables.tsx", source)).toEqual([
      "pages/operator/tables.tsx → pages/merchant/index.js",
      "pages/operator/tables.tsx → pages/public.js",
      "pages/operator/tables.tsx → pages/public.js",
    ]);
    expect(crossPageImports("pages/auth.tsx", 'import { x } from "./public.js";')).toEqual([
      "pages/auth.tsx → pages/public.js",
    ]);
    expect(crossPageImports("components/ui.tsx", 'import { x } from "../pages/member/home.js";')).toEqual([
      "components/ui.tsx → pages/member/home.js",
    ]);
    expect(crossPageImports("app.tsx", 'import { MemberHome } from "./pages/member/home.js";')).toEqual([]);
  });
});
