/**
 * No input answers 5xx (issue #11), as a property: every string field of every operation's body (from
 * the contract's OpenAPI document), every query value and every path parameter, given a control
 * character somewhere, answers 400 `control_character` naming the field; every money field, given a
 * valid amount padded with Unicode or ASCII blanks, answers 400 `not_a_decimal`; a body nested past
 * the limit answers 400 `body_too_deep`. After each, the database holds exactly what it held before.
 */
import {
  DECIMAL_PATTERN,
  OPERATION_LIST,
  buildOpenApi,
  openApiPath,
  type Operation,
} from "@zengzhi/contract";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIMITS } from "../limits.js";
import { login, openTestApp, type TestApp } from "../testing/helpers.js";

type Json = Record<string, unknown>;
interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  enum?: unknown[];
  pattern?: string;
}

const DOCUMENT = buildOpenApi() as {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
};

function resolve(schema: Schema): Schema {
  if (schema.$ref !== undefined) return resolve(DOCUMENT.components.schemas[schema.$ref.split("/").pop()!]!);
  if (schema.anyOf !== undefined) return resolve(schema.anyOf.find((s) => s.type !== "null") ?? {});
  return schema;
}

/** Values that pass the contract's schemas, by field name (the rest of a body around the field tried). */
const VALID: Record<string, string> = {
  tenant: "demo",
  username: "someone",
  password: "some-password",
  member: "alice",
  merchant: "teahouse",
  productId: "p-1",
  name: "tea",
  csv: "member,coins\nalice,1.00",
};

interface Target {
  op: Operation;
  /** Where the value goes: a body field (dotted path), a query parameter or the path id. */
  place: "body" | "query" | "path";
  field: string;
  money: boolean;
}

/** Every string leaf of a body schema, with the body that holds valid values everywhere. */
function bodyFields(schema: Schema, prefix: string[] = []): { path: string[]; money: boolean }[] {
  const object = resolve(schema);
  if (object.type === "string" && object.enum === undefined)
    return [{ path: prefix, money: object.pattern === DECIMAL_PATTERN.source }];
  if (object.type !== "object") return [];
  // A free-form object (a rule set): any key it is given is checked as well.
  if (object.properties === undefined) return [{ path: [...prefix, "note"], money: false }];
  return Object.entries(object.properties ?? {}).flatMap(([key, child]) =>
    bodyFields(child, [...prefix, key]),
  );
}

function validBody(schema: Schema, name = ""): unknown {
  const object = resolve(schema);
  if (object.enum !== undefined) return object.enum[0];
  switch (object.type) {
    case "object": {
      const out: Json = {};
      for (const key of object.required ?? []) out[key] = validBody(object.properties![key]!, key);
      return out;
    }
    case "string":
      return VALID[name] ?? (object.pattern === DECIMAL_PATTERN.source ? "1.00" : "x");
    case "integer":
    case "number":
      return 1;
    case "boolean":
      return false;
    default:
      return {};
  }
}

function bodySchemaOf(op: Operation): Schema | undefined {
  return DOCUMENT.paths[openApiPath(op.path)]?.[op.method.toLowerCase()]?.requestBody?.content[
    "application/json"
  ]?.schema;
}

function targetsOf(op: Operation): Target[] {
  const targets: Target[] = [];
  const schema = bodySchemaOf(op);
  if (schema !== undefined)
    for (const { path, money } of bodyFields(schema))
      targets.push({ op, place: "body", field: path.join("."), money });
  const query = op.query === undefined ? [] : Object.keys((op.query as unknown as { shape: Json }).shape);
  for (const name of query) targets.push({ op, place: "query", field: name, money: false });
  if (op.path.includes(":"))
    targets.push({ op, place: "path", field: /:([A-Za-z]+)/.exec(op.path)![1]!, money: false });
  return targets;
}

const TARGETS = OPERATION_LIST.flatMap(targetsOf);
const CONTROLS = ["\u0000", "\u0001", "\u0007", "\u001b", "\u007f", "\u0085", "\u009f", "\t", "\n", "\r"];
const BLANKS = ["\u00a0", "\u3000", "\ufeff", "\u2003", "\t", "\n", "\r", " ", "\u2028", "\u200b"];

function setPath(body: unknown, path: string[], value: string): unknown {
  const copy = structuredClone((body ?? {}) as Json);
  let at: Json = copy;
  for (const key of path.slice(0, -1)) at = (at[key] ??= {}) as Json;
  at[path.at(-1)!] = value;
  return copy;
}

describe("hostile input", () => {
  let t: TestApp;
  let tokens: Record<"operator" | "merchant" | "member", string>;

  beforeAll(async () => {
    t = await openTestApp("pglite");
    tokens = {
      operator: await login(t.app, "operator"),
      merchant: await login(t.app, "teahouse"),
      member: await login(t.app, "alice"),
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Everything a refused request must leave as it was: row counts, audit numbers, engine figures. */
  async function fingerprint(): Promise<string> {
    const tables = ["journal", "app_audit", "app_users", "app_sessions", "app_products", "app_orders"];
    const more = ["app_merchants", "app_idempotency", "app_rule_versions", "app_payment_callbacks"];
    const counts = await t.ledger.sql.query(
      `SELECT ${[...tables, ...more].map((name) => `(SELECT count(*) FROM ${name})::text AS ${name}`).join(", ")}`,
    );
    const engine = await t.ledger.read("demo", (e) => `${e.pool} ${e.supply} ${e.day}`);
    return JSON.stringify(counts.rows[0]) + engine;
  }

  function send(target: Target, value: string) {
    const { op } = target;
    const schema = bodySchemaOf(op);
    let body = schema === undefined ? undefined : validBody(schema);
    if (target.place === "body") body = setPath(body, target.field.split("."), value);
    const id = target.place === "path" ? encodeURIComponent(value) : "1";
    const query = target.place === "query" ? `?${target.field}=${encodeURIComponent(value)}` : "";
    const headers: Record<string, string> = { "idempotency-key": `hostile-${Math.random()}` };
    const role = op.callers === "public" ? null : op.callers === "session" ? "member" : op.callers[0]!;
    if (role !== null) headers.authorization = `Bearer ${tokens[role]}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    return t.app.inject({
      method: op.method,
      url: op.path.replace(/:[A-Za-z]+/, id) + query,
      headers,
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  }

  async function expectRefused(target: Target, value: string, code: string) {
    const before = await fingerprint();
    const response = await send(target, value);
    const where = `${target.op.operationId} ${target.place} ${target.field} = ${JSON.stringify(value)}`;
    expect(response.statusCode, `${where}: ${response.body}`).toBe(400);
    const error = (response.json() as { error: { code: string; field?: string } }).error;
    expect(error.code, where).toBe(code);
    const field = target.place === "query" ? `query.${target.field}` : target.field;
    expect(error.field, where).toBe(field);
    expect(await fingerprint(), where).toBe(before);
  }

  it("covers every operation with a string field, query or path parameter", () => {
    const covered = new Set(TARGETS.map((target) => target.op.operationId));
    // A body of numbers and booleans only (the pause switch, close-day) has no string to try.
    const withText = (op: Operation) => {
      const schema = bodySchemaOf(op);
      return schema !== undefined && JSON.stringify(resolve(schema)).includes('"string"');
    };
    const withInput = OPERATION_LIST.filter(
      (op) => withText(op) || op.query !== undefined || op.path.includes(":"),
    );
    expect(withInput.filter((op) => !covered.has(op.operationId)).map((op) => op.operationId)).toEqual([]);
    expect(TARGETS.filter((target) => target.money).length).toBeGreaterThanOrEqual(10);
  });

  it("refuses a NUL in every string field, query value and path parameter with control_character", async () => {
    for (const target of TARGETS) {
      const base = target.field === "csv" ? VALID.csv! : target.money ? "1.00" : "ab";
      await expectRefused(target, `${base}\u0000`, "control_character");
    }
  }, 120_000);

  it("refuses any control character anywhere in any field (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...TARGETS),
        fc.constantFrom(...CONTROLS),
        fc.string({ maxLength: 8 }),
        fc.nat(),
        async (target, control, text, at) => {
          // In a CSV or a PEM key, CR and LF separate lines: there they are text, not an attack.
          const multiline = [
            "csv",
            "merchantPrivateKey",
            "platformPublicKey",
            "appPrivateKey",
            "alipayPublicKey",
          ];
          fc.pre(!(multiline.includes(target.field) && (control === "\n" || control === "\r")));
          const clean = text.replace(/\p{Cc}/gu, "");
          const cut = at % (clean.length + 1);
          await expectRefused(target, clean.slice(0, cut) + control + clean.slice(cut), "control_character");
        },
      ),
      { numRuns: 300 },
    );
  }, 300_000);

  it("refuses a money value padded with any blank, in every money field (property)", async () => {
    const money = TARGETS.filter((target) => target.money);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...money),
        fc.constantFrom("1", "1.00", "12.50", "0.01"),
        fc.constantFrom(...BLANKS),
        fc.constantFrom("before", "after", "both", "inside"),
        async (target, amount, blank, where) => {
          const padded =
            where === "before"
              ? blank + amount
              : where === "after"
                ? amount + blank
                : where === "both"
                  ? blank + amount + blank
                  : amount.slice(0, 1) + blank + amount.slice(1);
          // Control characters (tab, line breaks) are refused first, with their own code.
          const code = /\p{Cc}/u.test(blank) ? "control_character" : "not_a_decimal";
          await expectRefused(target, padded, code);
        },
      ),
      { numRuns: 200 },
    );
  }, 300_000);

  it("refuses a padded amount in the coin CSV: the row, with not_a_decimal, nothing imported", async () => {
    for (const blank of BLANKS.filter((b) => b !== "\n" && b !== "\r")) {
      const before = await fingerprint();
      const response = await t.app.inject({
        method: "POST",
        url: "/api/operator/coins/import",
        headers: {
          authorization: `Bearer ${tokens.operator}`,
          "idempotency-key": `csv-${Math.random()}`,
          "content-type": "application/json",
        },
        payload: JSON.stringify({ csv: `member,coins\nalice,${blank}1.00` }),
      });
      const blankName = JSON.stringify(blank);
      expect(response.statusCode, blankName).toBe(400);
      const error = (response.json() as { error: { code: string; field?: string; rows?: Json[] } }).error;
      if (/\p{Cc}/u.test(blank)) expect(error).toMatchObject({ code: "control_character", field: "csv" });
      else
        expect(error.rows, blankName).toEqual([
          expect.objectContaining({ field: "coins", code: "not_a_decimal" }),
        ]);
      expect(await fingerprint(), blankName).toBe(before);
    }
  });

  it(`refuses JSON nested deeper than ${LIMITS.jsonDepthMax} before parsing it, even 30,000 deep`, async () => {
    // 30,000 nested arrays overflowed the stack before (within the 64 KiB body limit, as is 10,000 objects).
    for (const [open, close, depth] of [
      ["[", "]", LIMITS.jsonDepthMax + 1],
      ["[", "]", 30_000],
      ['{"a":', "}", LIMITS.jsonDepthMax + 1],
      ['{"a":', "}", 10_000],
    ] as const) {
      {
        const before = await fingerprint();
        const response = await t.app.inject({
          method: "POST",
          url: "/api/tenants",
          headers: {
            authorization: `Bearer ${tokens.operator}`,
            "idempotency-key": `deep-${Math.random()}`,
            "content-type": "application/json",
          },
          payload: `{"tenant":"deep","operator":{"username":"deep","password":"deep-password"},"rules":${open.repeat(depth)}1${close.repeat(depth)}}`,
        });
        expect(response.statusCode).toBe(400);
        expect(response.json().error.code).toBe("body_too_deep");
        expect(await fingerprint()).toBe(before);
      }
    }
    // At the limit (the body itself is one level) the body is parsed and checked as usual.
    const deep = "[".repeat(LIMITS.jsonDepthMax - 1) + "]".repeat(LIMITS.jsonDepthMax - 1);
    const response = await t.app.inject({
      method: "POST",
      url: "/api/operator/financing",
      headers: {
        authorization: `Bearer ${tokens.operator}`,
        "idempotency-key": `deep-${Math.random()}`,
        "content-type": "application/json",
      },
      payload: `{"label":${deep}}`,
    });
    expect(response.json().error).toMatchObject({ code: "invalid_field", field: "label" });
  });
});
