/**
 * Test harness for the service: a real ledger (PGlite in memory, or a fresh database in the test
 * PostgreSQL from the store's global setup), the app in process (`app.inject`), the demo tenant
 * seeded through the routes, and a small client that logs in and sends Idempotency-Keys.
 */
import { openLedger } from "@zengzhi/store";
import type { Ledger } from "@zengzhi/store";
import { createTestDatabase, postgresAvailable } from "@zengzhi/store/testing";
import { buildApp, type HardeningOptions, seedDemo } from "../index.js";
import type { Services } from "../domain/services.js";
import type { Notifier } from "../domain/notifier.js";
import type { WechatSignInEndpoints } from "@zengzhi/payments";
import type { SecuritySettings, WebhookSettings } from "../settings.js";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll } from "vitest";

export const PAYMENT_SECRET = "test-payment-secret";
/** The /metrics bearer token of test apps. */
export const METRICS_TOKEN = "test-metrics-token";

/** The stores every service suite runs on; PostgreSQL is unavailable only outside CI. */
export const STORES = [
  { kind: "pglite" as const, available: true },
  { kind: "postgres" as const, available: postgresAvailable },
];

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  ledger: Ledger;
  close(): Promise<void>;
}

export async function openTestApp(
  kind: "pglite" | "postgres",
  options: {
    now?: () => number;
    security?: Partial<SecuritySettings>;
    hardening?: HardeningOptions;
    webhooks?: Partial<WebhookSettings>;
    secretsKey?: string;
    publicUrl?: string;
    paymentEndpoints?: Partial<Record<"wechat" | "alipay", string>>;
    wechatSignIn?: WechatSignInEndpoints;
    notifier?: Notifier;
    manualClose?: boolean;
  } = {},
): Promise<TestApp> {
  const ledger =
    kind === "pglite"
      ? await openLedger({ dataDir: "memory://" })
      : await openLedger({ databaseUrl: await createTestDatabase() });
  const { app, services } = await buildApp({
    ledger,
    paymentSecret: PAYMENT_SECRET,
    webDist: null,
    logger: process.env.TEST_LOG === "1" ? { level: "error" } : false,
    checkResponses: true,
    hardening: { corsOrigins: [], metricsToken: METRICS_TOKEN },
    ...options,
  });
  await seedDemo(app, services);
  return {
    app,
    services,
    ledger,
    async close() {
      await app.close();
      await ledger.close();
    },
  };
}

let keys = 0;
export const newKey = () => `test-key-${process.pid}-${++keys}`;

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  key?: string | null;
  headers?: Record<string, string>;
  /** The client's TCP address (default 127.0.0.1). */
  remoteAddress?: string;
}

export async function call(
  app: FastifyInstance,
  method: string,
  url: string,
  options: CallOptions = {},
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const changes = method !== "GET";
  if (changes && options.key !== null) headers["idempotency-key"] = options.key ?? newKey();
  const request: Parameters<FastifyInstance["inject"]>[0] = {
    method: method as "GET",
    url,
    headers,
    ...(options.remoteAddress === undefined ? {} : { remoteAddress: options.remoteAddress }),
  };
  if (options.body !== undefined) {
    if (typeof options.body === "string") {
      request.payload = options.body;
      headers["content-type"] ??= "application/json";
    } else request.payload = options.body as Record<string, unknown>;
  }
  return app.inject(request);
}

export async function login(
  app: FastifyInstance,
  username: string,
  password?: string,
  tenant = "demo",
): Promise<string> {
  const pw =
    password ??
    (username === "operator"
      ? "operator-demo"
      : ["teahouse", "bakery"].includes(username)
        ? "merchant-demo"
        : "member-demo");
  const response = await call(app, "POST", "/api/auth/login", { body: { tenant, username, password: pw } });
  if (response.statusCode !== 200)
    throw new Error(`login ${username}: ${response.statusCode} ${response.body}`);
  return (response.json() as { token: string }).token;
}

/** Registers a member and logs it in. */
export async function newMember(
  app: FastifyInstance,
  username: string,
  inviteCode?: string,
): Promise<string> {
  const body: Record<string, string> = { tenant: "demo", username, password: "member-demo" };
  if (inviteCode !== undefined) body.inviteCode = inviteCode;
  const response = await call(app, "POST", "/api/auth/register", { body });
  if (response.statusCode !== 201)
    throw new Error(`register ${username}: ${response.statusCode} ${response.body}`);
  return login(app, username);
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The demo tenant's logins, opened once per suite. */
export interface DemoSuite extends TestApp {
  operator: string;
  teahouse: string;
  bakery: string;
  alice: string;
  bob: string;
}

/** A fresh ledger with the demo tenant seeded through the routes, and its users logged in. */
export async function openDemoSuite(kind: "pglite" | "postgres"): Promise<DemoSuite> {
  const t = await openTestApp(kind);
  const [operator, teahouse, bakery, alice, bob] = await Promise.all(
    ["operator", "teahouse", "bakery", "alice", "bob"].map((u) => login(t.app, u)),
  );
  return { ...t, operator: operator!, teahouse: teahouse!, bakery: bakery!, alice: alice!, bob: bob! };
}

/**
 * The setup every route suite on the demo tenant shares: the suite opens before the describe block's
 * tests and closes after them. `t` is filled in by beforeAll, so tests (not the block) read it.
 */
export function useDemoSuite(kind: "pglite" | "postgres") {
  const t = {} as DemoSuite;
  beforeAll(async () => {
    Object.assign(t, await openDemoSuite(kind));
  });
  afterAll(async () => {
    await (t as Partial<DemoSuite>).close?.();
  });
  return {
    t,
    ...requests(
      () => t.app,
      () => t.ledger,
    ),
  };
}

/** Short JSON calls against a suite's app (resolved lazily: the app opens in beforeAll). */
export function requests(app: () => FastifyInstance, ledger: () => Ledger) {
  return {
    get: async (url: string, token?: string | null) => {
      const r = await call(app(), "GET", url, { token: token ?? null });
      return { status: r.statusCode, body: r.json() as Json };
    },
    post: async (url: string, token: string | null, body?: unknown, key?: string | null) => {
      const r = await call(app(), "POST", url, { token, body, key: key === undefined ? newKey() : key });
      return { status: r.statusCode, body: (r.body === "" ? null : r.json()) as Json };
    },
    engine: <T>(fn: (e: import("@zengzhi/engine").EngineView) => T) => ledger().read("demo", fn),
  };
}

/** Invites a member of staff with the inviter's login, registers the invitee and returns its token. */
export async function newStaff(
  app: FastifyInstance,
  input: { inviter: string; role: string; username: string },
): Promise<string> {
  const invite = await call(app, "POST", "/api/staff/invites", {
    token: input.inviter,
    body: { role: input.role },
  });
  if (invite.statusCode !== 201) throw new Error(`invite ${input.role}: ${invite.statusCode} ${invite.body}`);
  const { code } = invite.json() as { code: string };
  const registered = await call(app, "POST", "/api/auth/staff", {
    body: { tenant: "demo", inviteCode: code, username: input.username, password: STAFF_PASSWORD },
  });
  if (registered.statusCode !== 201)
    throw new Error(`register ${input.username}: ${registered.statusCode} ${registered.body}`);
  return (registered.json() as { token: string }).token;
}

export const STAFF_PASSWORD = "brisk-lantern-orchard-42";
