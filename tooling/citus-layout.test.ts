/**
 * docs/SCALING.md's Citus layout, checked against the code: every table the migrations create is
 * listed there once, as distributed by tenant_id (its primary key and every unique key start with or
 * hold tenant_id, so Citus can co-locate and enforce them per shard), a reference table or a
 * coordinator-local one; and every SQL statement of the store and the service that touches a
 * distributed table is routed to one tenant (`tenant_id = $n`, or an INSERT naming tenant_id
 * first) unless the document lists it among the queries that cross tenants. A listed query that no
 * longer exists fails too, so the document cannot go stale.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type SqlStatement, sqlStatements, tablesOf } from "./sql-statements.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MIGRATIONS = join(ROOT, "packages/store/migrations");
/** Where the service's and the store's SQL lives. */
const SQL_FOLDERS = [
  "packages/store/src",
  "apps/server/src/db",
  "apps/server/src/domain",
  "apps/server/src/routes",
  "apps/server/src/http",
];
const DOC = readFileSync(join(ROOT, "docs/SCALING.md"), "utf8");

interface Table {
  name: string;
  columns: string[];
  primaryKey: string[];
  /** Column lists of UNIQUE constraints and unique indexes. */
  uniqueKeys: string[][];
}

const columnList = (text: string) =>
  text.split(",").map((column) => column.trim().split(/\s+/)[0]!.toLowerCase());

/** CREATE TABLE statements (and unique indexes) of the migrations and of the store's own code. */
function schemaTables(): Map<string, Table> {
  const texts = readdirSync(MIGRATIONS)
    .filter((file) => file.endsWith(".sql"))
    .map((file) => readFileSync(join(MIGRATIONS, file), "utf8").replace(/--[^\n]*/g, ""));
  texts.push(...sqlStatements(ROOT, ["packages/store/src"]).map((statement) => statement.text));
  const tables = new Map<string, Table>();
  for (const text of texts) {
    for (const match of text.matchAll(
      /CREATE TABLE (?:IF NOT EXISTS )?(\w+) \(([\s\S]*?)\)\s*;?\s*(?=$|CREATE|ALTER|INSERT|UPDATE|--)/gi,
    )) {
      const body = match[2]!;
      const parts = body.split(/,(?![^(]*\))/).map((part) => part.trim());
      const columns = parts
        .filter((part) => !/^(PRIMARY KEY|UNIQUE|CHECK|CONSTRAINT)\b/i.test(part))
        .map((part) => part.split(/\s+/)[0]!.toLowerCase());
      const inlineKey = parts.find((part) => /\bPRIMARY KEY\b/i.test(part) && !/^PRIMARY KEY/i.test(part));
      const tableKey = /PRIMARY KEY \(([^)]*)\)/i.exec(body)?.[1];
      const uniqueKeys = [...body.matchAll(/UNIQUE \(([^)]*)\)/gi)].map((unique) => columnList(unique[1]!));
      tables.set(match[1]!.toLowerCase(), {
        name: match[1]!.toLowerCase(),
        columns,
        primaryKey:
          tableKey !== undefined
            ? columnList(tableKey)
            : inlineKey !== undefined
              ? [inlineKey.split(/\s+/)[0]!.toLowerCase()]
              : [],
        uniqueKeys,
      });
    }
    for (const match of text.matchAll(/CREATE UNIQUE INDEX (?:IF NOT EXISTS )?\w+ ON (\w+) \(([^)]*)\)/gi)) {
      tables.get(match[1]!.toLowerCase())?.uniqueKeys.push(columnList(match[2]!));
    }
  }
  return tables;
}

type Kind = "distributed" | "reference" | "local";

/** The document's table of tables: rows "| `name` | kind | …". */
function documentedTables(): Map<string, Kind> {
  const kinds = new Map<string, Kind>();
  for (const match of DOC.matchAll(/^\| `(\w+)` \| (distributed|reference|local)\b/gm)) {
    expect(kinds.has(match[1]!), `${match[1]} is listed twice in docs/SCALING.md`).toBe(false);
    kinds.set(match[1]!, match[2] as Kind);
  }
  return kinds;
}

/** The document's cross-tenant queries: rows "| `file` | `start of the statement` | …". */
function documentedCrossTenant(): { file: string; snippet: string }[] {
  return [...DOC.matchAll(/^\| `([\w/.-]+\.(?:ts|mjs))` \| `([^`]+)` \|/gm)].map((match) => ({
    file: match[1]!,
    snippet: match[2]!,
  }));
}

/** Routed to one tenant: filtered by tenant_id = a parameter, or an INSERT whose first column is tenant_id. */
function singleTenant(statement: SqlStatement): boolean {
  if (/\btenant_id\s*=\s*(\$\d+|ANY\s*\(\s*\$\d+)/i.test(statement.text)) return true;
  return /^INSERT INTO \w+ \(tenant_id\b[^)]*\) VALUES/i.test(statement.text);
}

const tables = schemaTables();
const kinds = documentedTables();
const distributed = [...tables.values()].filter((table) => kinds.get(table.name) === "distributed");
const statements = sqlStatements(ROOT, SQL_FOLDERS).filter((statement) =>
  /^(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(statement.text),
);

describe("docs/SCALING.md: the schema on Citus", () => {
  it("finds the schema and the SQL (the parsers still read this code)", () => {
    expect(tables.size).toBeGreaterThanOrEqual(18);
    expect(tables.get("journal")?.primaryKey).toEqual(["tenant_id", "seq"]);
    expect(tables.get("journal")?.uniqueKeys).toContainEqual(["tenant_id", "idempotency_key"]);
    expect(statements.length).toBeGreaterThan(50);
  });

  it("lists every table once, and no table that does not exist", () => {
    expect([...kinds.keys()].sort()).toEqual([...tables.keys()].sort());
  });

  it("distributes by tenant_id: every key of a distributed table starts with or holds it", () => {
    for (const table of distributed) {
      expect(table.primaryKey[0], `${table.name}: primary key`).toBe("tenant_id");
      for (const unique of table.uniqueKeys)
        expect(unique, `${table.name}: unique key`).toContain("tenant_id");
    }
  });

  it("keeps tenant_id out of reference and local tables (a tenant's rows would belong on its shard)", () => {
    for (const table of tables.values()) {
      if (kinds.get(table.name) !== "distributed")
        expect(table.columns, table.name).not.toContain("tenant_id");
    }
  });

  it("routes every statement on a distributed table to one tenant, except the documented ones", () => {
    const names = new Set(distributed.map((table) => table.name));
    const documented = documentedCrossTenant();
    const crossing = statements.filter(
      (statement) => tablesOf(statement.text).some((name) => names.has(name)) && !singleTenant(statement),
    );
    const undocumented = crossing.filter(
      (statement) =>
        !documented.some((row) => row.file === statement.file && statement.text.startsWith(row.snippet)),
    );
    expect(undocumented.map((s) => `${s.file}:${s.line} ${s.text.slice(0, 100)}`)).toEqual([]);
    // And every documented one still exists.
    const stale = documented.filter(
      (row) => !statements.some((s) => s.file === row.file && s.text.startsWith(row.snippet)),
    );
    expect(stale).toEqual([]);
  });
});
