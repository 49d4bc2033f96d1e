/**
 * Walks every operation of the OpenAPI document (built by @zengzhi/contract) against the app: valid
 * inputs generated from the document's schemas (with real ids of the seeded demo tenant) and invalid
 * ones (wrong types, missing and unknown fields, control characters, huge strings, bad decimals, bad
 * ids, bad headers, wrong roles). Every answer must have a status the document lists for that
 * operation, a body that validates against the documented schema (the error envelope for errors, with
 * a code the operation lists), and never a 5xx. Reproduce a run with WALK_SEED=<seed>.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import {
  DECIMAL_PATTERN,
  ERRORS,
  OPERATION_LIST,
  buildOpenApi,
  isErrorCode,
  openApiPath,
  type Operation,
} from "@zengzhi/contract";
import type { LightMyRequestResponse } from "fastify";
import { connect } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { PAYMENT_SECRET, login, openTestApp, type TestApp } from "../testing/helpers.js";

type Json = Record<string, unknown>;
interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  default?: unknown;
}
interface ResponseObject {
  description: string;
  content?: Record<string, { schema: Schema }>;
}
interface OperationObject {
  operationId: string;
  parameters?: { name?: string; in?: string; required?: boolean; schema?: Schema; $ref?: string }[];
  requestBody?: { content: { "application/json": { schema: Schema } } };
  responses: Record<string, ResponseObject>;
}

const SEED = Number(process.env.WALK_SEED ?? Date.now() % 1_000_000);
const DOCUMENT = buildOpenApi() as { paths: Record<string, Record<string, OperationObject>> } & Json;

/** A small seeded generator (mulberry32), so a failing walk is reproduced from its printed seed. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}
const rng = random(SEED);

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(DOCUMENT, "openapi");

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

function resolve(schema: Schema): Schema {
  if (schema.$ref === undefined) return schema;
  const name = schema.$ref.split("/").pop()!;
  return resolve((DOCUMENT.components as { schemas: Record<string, Schema> }).schemas[name]!);
}

let unique = 0;
const fresh = (prefix: string) => `${prefix}${process.pid % 1000}x${SEED % 10_000}x${++unique}`;

/** Real values of the seeded tenant, by field name; ids that must be new are made fresh. */
const FIELD_VALUES: Record<string, () => unknown> = {
  tenant: () => "demo",
  member: () => rng.pick(["alice", "bob", "carol"]),
  merchant: () => "teahouse",
  inviteCode: () => "alice",
  username: () => fresh("w"),
  password: () => "walk-password",
  id: () => fresh("m-"),
  name: () => rng.pick(["Walk product", "散步 商品", "x"]),
  label: () => "walk",
  amount: () => rng.pick(["1", "1.00", "2.5", "10.00"]),
  price: () => rng.pick(["1.00", "88", "0.01"]),
  points: () => rng.pick(["0.01", "0.00000001", "0.1"]),
  toPool: () => "10.00",
  toSubsidy: () => "1.00",
  balance: () => rng.pick(["0", "100.00", "123456.78"]),
  sharesPerPoint: () => "1",
  csv: () => "member,coins\nalice,1.00",
  rules: () => rng.pick([{}, { sellFee: "0.2" }]),
  split: () =>
    rng.pick([
      null,
      { productCost: "0.3", distributionCost: "0.3", platformProfit: "0.1", poolContribution: "0.3" },
    ]),
  days: () => 1,
  quantity: () => rng.int(1, 3),
  paused: () => false,
};

/** A value valid for `schema` (named `name` in its object), from the document's schema alone. */
function validValue(raw: Schema, name: string): unknown {
  const schema = resolve(raw);
  const known = FIELD_VALUES[name];
  if (known !== undefined) return known();
  if (schema.const !== undefined) return schema.const;
  if (schema.enum !== undefined) return rng.pick(schema.enum);
  if (schema.anyOf !== undefined)
    return validValue(
      schema.anyOf.find((s) => s.type !== "null")!,
      name,
    );
  switch (schema.type) {
    case "object": {
      const out: Json = {};
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        if ((schema.required ?? []).includes(key) || rng.next() < 0.5) out[key] = validValue(property, key);
      }
      return out;
    }
    case "array":
      return [];
    case "integer":
    case "number":
      return Math.max(schema.minimum ?? 1, Math.min(schema.maximum ?? 10, rng.int(1, 10)));
    case "boolean":
      return rng.next() < 0.5;
    case "string":
      return "x".repeat(Math.max(schema.minLength ?? 1, 1));
    default:
      return {};
  }
}

const BAD_DECIMALS = [
  "1e5",
  "1.2.3",
  " ",
  "-1",
  "0",
  "0.001",
  "NaN",
  "１２",
  "9".repeat(39),
  "+1",
  ".5",
  "1.",
  "\u00a01.00",
  "1.00\u3000",
  "\ufeff1",
  " 1.00 ",
];
const BAD_STRINGS = [
  "",
  "\u0000\u0007\u001b[31m",
  "x".repeat(5000),
  "a b",
  "../../etc/passwd",
  "'; DROP TABLE x;--",
  "🙂",
];
const WRONG_TYPES: unknown[] = [42, true, null, [], {}, "text"];

/** Invalid variants of a body: each field missing, of a wrong type, malformed; extra fields. */
function invalidBodies(schema: Schema, valid: Json): { label: string; body: unknown }[] {
  const object = resolve(schema);
  const variants: { label: string; body: unknown }[] = [
    { label: "unknown field", body: { ...valid, unexpected: 1 } },
    { label: "array body", body: [valid] },
    { label: "number body", body: 5 },
    {
      label: "__proto__ field",
      body: JSON.parse(
        `{"__proto__": {"x": 1}${JSON.stringify(valid)
          .slice(1)
          .replace(/^(?!})/, ", ")}`,
      ),
    },
  ];
  for (const [key, property] of Object.entries(object.properties ?? {})) {
    const { [key]: _dropped, ...rest } = valid;
    if ((object.required ?? []).includes(key)) variants.push({ label: `missing ${key}`, body: rest });
    for (const wrong of WRONG_TYPES)
      variants.push({ label: `${key} = ${JSON.stringify(wrong)}`, body: { ...valid, [key]: wrong } });
    const field = resolve(property);
    const decimal = field.pattern === DECIMAL_PATTERN.source;
    for (const text of decimal ? BAD_DECIMALS : BAD_STRINGS)
      variants.push({
        label: `${key} = ${JSON.stringify(text).slice(0, 30)}`,
        body: { ...valid, [key]: text },
      });
    if (field.type === "object")
      variants.push({ label: `${key} empty object`, body: { ...valid, [key]: {} } });
  }
  return variants;
}

interface Fixtures {
  app: TestApp;
  tokens: { operator: string; merchant: string; member: string };
}

async function inject(
  fx: Fixtures,
  input: {
    method: string;
    url: string;
    headers?: Record<string, string>;
    payload?: string;
    remoteAddress?: string;
  },
): Promise<LightMyRequestResponse> {
  return fx.app.app.inject({
    method: input.method as "GET",
    url: input.url,
    headers: input.headers ?? {},
    remoteAddress: input.remoteAddress ?? `10.0.${rng.int(0, 255)}.${rng.int(1, 254)}`,
    ...(input.payload === undefined ? {} : { payload: input.payload }),
  });
}

async function json(fx: Fixtures, method: string, url: string, token: string, body?: unknown) {
  const response = await inject(fx, {
    method,
    url,
    headers: {
      authorization: `Bearer ${token}`,
      "idempotency-key": fresh("k"),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  if (response.statusCode >= 300)
    throw new Error(`fixture ${method} ${url}: ${response.statusCode} ${response.body}`);
  return response.statusCode === 204 ? null : (response.json() as Json);
}

async function freshSession(fx: Fixtures): Promise<string> {
  const response = await inject(fx, {
    method: "POST",
    url: "/api/auth/login",
    headers: { "content-type": "application/json" },
    payload: JSON.stringify({ tenant: "demo", username: "bob", password: "member-demo" }),
  });
  return (response.json() as { token: string }).token;
}

/** A real id for the operation's path parameter, made fresh where the operation consumes it. */
async function realId(fx: Fixtures, op: Operation): Promise<string> {
  const { member, merchant, operator } = fx.tokens;
  switch (op.operationId) {
    case "getMerchantSettlement":
      return "teahouse";
    case "getProduct":
    case "updateProduct":
    case "deactivateProduct": {
      const product = await json(fx, "POST", "/api/products", merchant, { name: "walk", price: "5.00" });
      return String(product!.id);
    }
    case "getOrder":
    case "payOrder":
    case "refundOrder": {
      const page = await json(fx, "GET", "/api/products?merchant=teahouse", member);
      const productId = (page!.items as { id: string; active: boolean }[]).find((p) => p.active)!.id;
      const order = await json(fx, "POST", "/api/orders", member, { productId });
      if (op.operationId === "refundOrder" && rng.next() < 0.5)
        await json(fx, "POST", `/api/orders/${String(order!.id)}/pay`, member);
      return String(order!.id);
    }
    case "approveWithdrawal":
    case "rejectWithdrawal": {
      const withdrawal = await json(fx, "POST", "/api/me/withdrawals", member, { amount: "0.10" });
      return String(withdrawal!.id);
    }
    default: {
      // Positions: one of the member's open positions (a sale for alice makes sure one exists).
      await json(fx, "POST", "/api/sales", merchant, { member: "alice", amount: "100.00" });
      const page = await json(fx, "GET", "/api/me/positions?status=open", member);
      void operator;
      return String((page!.items as { id: number }[])[0]!.id);
    }
  }
}

const BAD_IDS = [
  "0",
  "-1",
  "abc",
  "1e3",
  "%00",
  "99999999999999999999",
  "x".repeat(300),
  "%zz",
  "1%2F2",
  "%E4%B8%AD",
];

function tokenFor(fx: Fixtures, op: Operation): string | null {
  if (op.callers === "public") return null;
  if (op.callers === "session") return rng.pick([fx.tokens.member, fx.tokens.merchant, fx.tokens.operator]);
  return fx.tokens[op.callers[0]!];
}

interface Mismatch {
  operation: string;
  status: number;
  code: string | null;
  problem: string;
  input: string;
}

const mismatches = new Map<string, Mismatch>();
let calls = 0;

/** Checks one answer against the document: status listed, body valid, code listed, no 5xx. */
function check(op: Operation, entry: OperationObject, input: string, response: LightMyRequestResponse): void {
  calls++;
  const status = response.statusCode;
  const record = (code: string | null, problem: string) => {
    const key = `${op.operationId}|${status}|${code}|${problem}`;
    if (!mismatches.has(key))
      mismatches.set(key, { operation: op.operationId, status, code, problem, input });
  };
  const documented = entry.responses[String(status)];
  if (status >= 500) record(null, "5xx");
  if (documented === undefined) record(null, `undocumented status ${status}`);
  if (status === 204) {
    if (response.body !== "") record(null, "204 with a body");
    return;
  }
  const type = String(response.headers["content-type"] ?? "").split(";")[0]!;
  const media = documented?.content?.[type];
  if (documented !== undefined && media === undefined) {
    record(null, `undocumented content type ${type}: ${response.body.slice(0, 120)}`);
    return;
  }
  let body: unknown = response.body;
  if (type === "application/json") {
    try {
      body = JSON.parse(response.body);
    } catch {
      record(null, "body is not JSON");
      return;
    }
  }
  const code = status >= 400 ? ((body as { error?: { code?: unknown } }).error?.code ?? null) : null;
  if (documented !== undefined && media !== undefined) {
    const path = pointer(
      "paths",
      openApiPath(op.path),
      op.method.toLowerCase(),
      "responses",
      String(status),
      "content",
      type,
      "schema",
    );
    const validate = ajv.getSchema(`openapi#/${path}`)!;
    if (!validate(body)) {
      record(
        typeof code === "string" ? code : null,
        `body does not match the schema: ${ajv.errorsText(validate.errors).slice(0, 200)} in ${response.body.slice(0, 200)}`,
      );
    }
  }
  if (status >= 400 && typeof code === "string") {
    const listed = [...(documented?.description ?? "").matchAll(/`([a-z_]+)`/g)].map((m) => m[1]);
    if (!listed.includes(code)) record(code, `code not listed for status ${status}`);
    if (isErrorCode(code) && ERRORS[code].status !== status)
      record(code, `table says ${ERRORS[code].status}`);
  }
}

interface Call {
  label: string;
  token?: string | null;
  key?: string | null;
  headers?: Record<string, string>;
  path?: string;
  query?: string;
  payload?: string;
  contentType?: string | null;
}

async function walkOperation(fx: Fixtures, op: Operation): Promise<void> {
  const entry = DOCUMENT.paths[openApiPath(op.path)]![op.method.toLowerCase()]!;
  const bodySchema = entry.requestBody?.content["application/json"].schema;
  const queryParameters = (entry.parameters ?? []).filter((p) => p.in === "query");
  const hasPathId = op.path.includes(":id");

  const send = async (spec: Call) => {
    const id = spec.path ?? (hasPathId ? await realId(fx, op) : "");
    const url = op.path.replace(":id", id) + (spec.query ?? "");
    // Log out revokes the session it is sent with, so each of its calls gets a session of its own.
    const token =
      spec.token !== undefined
        ? spec.token
        : op.operationId === "logOut"
          ? await freshSession(fx)
          : tokenFor(fx, op);
    const headers: Record<string, string> = { ...(spec.headers ?? {}) };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (op.method !== "GET" && spec.key !== null) headers["idempotency-key"] = spec.key ?? fresh("k");
    if (spec.payload !== undefined && spec.contentType !== null)
      headers["content-type"] = spec.contentType ?? "application/json";
    const response = await inject(fx, {
      method: op.method,
      url,
      headers,
      ...(spec.payload === undefined ? {} : { payload: spec.payload }),
    });
    check(op, entry, `${spec.label}: ${op.method} ${url} ${(spec.payload ?? "").slice(0, 120)}`, response);
    if (op.operationId === "setPause")
      await json(fx, "POST", "/api/operator/pause", fx.tokens.operator, { paused: false });
    return response;
  };
  const validBody = () => (bodySchema === undefined ? undefined : (validValue(bodySchema, "body") as Json));
  const validQuery = () => {
    const parts = queryParameters
      .filter((p) => p.required === true || rng.next() < 0.5)
      .map((p) => `${p.name}=${encodeURIComponent(String(validValue(p.schema!, p.name!)))}`);
    return parts.length === 0 ? "" : `?${parts.join("&")}`;
  };
  const payloadOf = (body: unknown) => (body === undefined ? undefined : JSON.stringify(body));

  // Valid requests (several, since values are drawn at random).
  for (let i = 0; i < 4; i++) {
    const body = validBody();
    const payload = payloadOf(body);
    await send({ label: "valid", query: validQuery(), ...(payload === undefined ? {} : { payload }) });
  }
  if (op.operationId === "receiveSandboxPayment") await walkCallback(fx, op, entry);

  // Invalid bodies.
  if (bodySchema !== undefined) {
    for (const variant of invalidBodies(bodySchema, validBody() ?? {}))
      await send({ label: variant.label, payload: JSON.stringify(variant.body) });
  }
  if (op.method !== "GET") {
    await send({ label: "invalid JSON", payload: '{"a": ' });
    await send({ label: "empty JSON body", payload: "" });
    await send({ label: "JSON null", payload: "null" });
    await send({ label: "text/plain", payload: "hello", contentType: "text/plain" });
    await send({ label: "xml", payload: "<a/>", contentType: "application/xml" });
    await send({ label: "too large", payload: JSON.stringify({ pad: "x".repeat(1_100_000) }) });
  }
  // Invalid queries.
  if (queryParameters.length > 0) {
    for (const query of [
      "?limit=abc",
      "?limit=0",
      "?limit=101",
      "?limit=1.5",
      "?limit=1&limit=2",
      "?cursor=" + "z".repeat(300),
      "?cursor=%FF%FE",
      "?status=bogus",
      "?unexpected=1",
      "?tenant=ZZ",
      "?merchant=%00",
    ]) {
      await send({ label: `query ${query.slice(0, 30)}`, query });
    }
  }
  // Invalid path ids.
  if (hasPathId)
    for (const id of BAD_IDS)
      await send({
        label: `path id ${id.slice(0, 20)}`,
        path: id,
        ...(bodySchema === undefined ? {} : { payload: payloadOf(validBody())! }),
      });
  // Headers: Idempotency-Key missing, malformed or reused for another body; sessions missing or wrong.
  const payload = payloadOf(validBody());
  const withBody = payload === undefined ? {} : { payload };
  if (op.idempotent) {
    await send({ label: "no Idempotency-Key", key: null, ...withBody });
    for (const key of ["a b", "x".repeat(129), "ключ", ""])
      await send({ label: `Idempotency-Key ${key.slice(0, 10)}`, key, ...withBody });
    const key = fresh("reuse");
    await send({ label: "first use of a key", key, ...withBody });
    await send({ label: "key reused for another body", key, payload: payloadOf(validBody()) ?? "{}" });
  }
  if (op.callers !== "public") {
    await send({ label: "no session", token: null, ...withBody });
    await send({ label: "bad token", token: "not-a-token", ...withBody });
    await send({
      label: "bad cookie",
      token: null,
      headers: { cookie: "zz_session=%zz; other=\u00ff" },
      ...withBody,
    });
    if (Array.isArray(op.callers)) {
      for (const role of ["operator", "merchant", "member"] as const) {
        if (!op.callers.includes(role))
          await send({ label: `role ${role}`, token: fx.tokens[role], ...withBody });
      }
    }
  }
}

/** The payment callback: a correctly signed one for a fresh order, then tampered ones. */
async function walkCallback(fx: Fixtures, op: Operation, entry: OperationObject): Promise<void> {
  const orderId = Number(await realId(fx, { ...op, operationId: "payOrder" }));
  const order = await json(fx, "GET", `/api/orders/${orderId}`, fx.tokens.member);
  const signed = fx.app.services.payments.signCallback(
    {
      tenant: "demo",
      paymentId: String((order!.payment as Json).paymentId),
      orderId,
      amount: String(order!.amount),
    },
    fx.app.services.now(),
  );
  for (const [label, body, signature] of [
    ["signed", signed.body, signed.signature],
    ["replayed", signed.body, signed.signature],
    ["tampered", signed.body.replace('"paid"', '"PAID"'), signed.signature],
    ["bad signature", signed.body, "0".repeat(64)],
  ] as const) {
    const response = await inject(fx, {
      method: "POST",
      url: op.path,
      headers: { "content-type": "application/json", "x-sandbox-signature": signature },
      payload: body,
    });
    check(op, entry, `callback ${label}`, response);
  }
  void PAYMENT_SECRET;
}

function isEnvelope(body: string): boolean {
  try {
    return typeof (JSON.parse(body) as { error?: { code?: unknown } }).error?.code === "string";
  } catch {
    return false;
  }
}

/** Bad URLs and unknown routes answer the envelope too (they belong to no operation). */
async function walkUnknownRoutes(fx: Fixtures): Promise<void> {
  for (const [method, url] of [
    ["GET", "/api/nothing"],
    ["PATCH", "/api/orders"],
    ["GET", "/%zz"],
    ["GET", "/api/orders/%zz"],
  ] as const) {
    const response = await inject(fx, { method, url });
    const body = response.body;
    if (!isEnvelope(body) || response.statusCode >= 500) {
      const key = `(no operation)|${response.statusCode}|${method} ${url}`;
      mismatches.set(key, {
        operation: "(no operation)",
        status: response.statusCode,
        code: null,
        problem: "not the error envelope",
        input: `${method} ${url}: ${body.slice(0, 160)}`,
      });
    }
  }
}

/** A request whose headers pass Node's limit (16 KiB), sent on a real socket: 431 with the envelope. */
async function walkHeaderOverflow(fx: Fixtures): Promise<void> {
  const address = await fx.app.app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = new URL(address);
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1", () => {
      socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: ${"p".repeat(20_000)}\r\n\r\n`);
    });
    let text = "";
    socket.on("data", (chunk) => (text += chunk.toString()));
    socket.on("close", () => resolve(text));
    socket.on("error", reject);
  });
  const [head = "", body = ""] = answer.split("\r\n\r\n");
  const status = Number(head.split(" ")[1]);
  if (status !== 431 || !isEnvelope(body)) {
    mismatches.set("(no operation)|431", {
      operation: "(no operation)",
      status,
      code: null,
      problem: "headers too large: not 431 with the error envelope",
      input: `${head.split("\r\n")[0]} ${body.slice(0, 120)}`,
    });
  }
}

let fx: Fixtures;

beforeAll(async () => {
  const app = await openTestApp("pglite");
  fx = {
    app,
    tokens: {
      operator: await login(app.app, "operator"),
      merchant: await login(app.app, "teahouse"),
      member: await login(app.app, "alice"),
    },
  };
  // Cash in alice's wallet for the withdrawals the walk asks for: a large sale, then a sell of it.
  const sale = await json(fx, "POST", "/api/sales", fx.tokens.merchant, {
    member: "alice",
    amount: "10000.00",
  });
  const position = await json(fx, "GET", `/api/me/positions/${String(sale!.position)}`, fx.tokens.member);
  await json(fx, "POST", `/api/me/positions/${String(sale!.position)}/sell`, fx.tokens.member, {
    points: position!.unlocked,
  });
});

afterAll(async () => {
  await fx?.app.close();
});

test("the app serves the contract's OpenAPI document at /docs/json", async () => {
  const response = await fx.app.app.inject({ method: "GET", url: "/docs/json" });
  expect(response.statusCode).toBe(200);
  expect(response.json()).toEqual(JSON.parse(JSON.stringify(buildOpenApi())));
});

test(`every documented operation answers only documented statuses and bodies (seed ${SEED})`, async () => {
  // Operations that end something for later ones go last: log out revokes its own (fresh) session,
  // listing is terminal for the scheme.
  const last = ["logOut", "recordListing"];
  const ordered = [...OPERATION_LIST].sort(
    (a, b) => last.indexOf(a.operationId) - last.indexOf(b.operationId),
  );
  for (const op of ordered) await walkOperation(fx, op);
  await walkUnknownRoutes(fx);
  await walkHeaderOverflow(fx);
  const report = [...mismatches.values()].sort((a, b) => a.operation.localeCompare(b.operation));
  console.log(`openapi walk: ${calls} calls, ${report.length} mismatches (seed ${SEED})`);
  for (const m of report)
    console.log(`  ${m.operation} ${m.status} ${m.code ?? "-"}: ${m.problem}\n      ${m.input}`);
  expect(calls).toBeGreaterThan(OPERATION_LIST.length * 10);
  expect(report).toEqual([]);
}, 600_000);
