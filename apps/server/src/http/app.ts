/**
 * Builds the Fastify app: JSON parsing with limits, cookies, the contract's OpenAPI document at
 * /docs/json (Swagger UI at /docs), sessions, metrics, the single error handler (every error answer,
 * Fastify's and Node's own included, is the contract's envelope; 5xx never show a stack), every
 * route, and the web app's built files with an SPA fallback.
 */
import { existsSync } from "node:fs";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import fastifyCookie from "@fastify/cookie";
import fastifyStatic from "@fastify/static";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import { buildOpenApi } from "@zengzhi/contract";
import type { Ledger } from "@zengzhi/store";
import Fastify, {
  LogController,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
} from "fastify";
import { ApiError } from "../domain/errors.js";
import { Services } from "../domain/services.js";
import { LIMITS } from "../limits.js";
import {
  DEFAULT_SECURITY,
  type SecuritySettings,
  type TrustProxy,
  type WebhookSettings,
  webhookSettingsFromEnv,
} from "../settings.js";
import type { Notifier } from "../domain/notifier.js";
import type { WechatSignInEndpoints } from "@zengzhi/payments";
import { accountSecurityRoutes } from "../routes/account-security.js";
import { authRoutes } from "../routes/auth.js";
import { financeRoutes } from "../routes/finance.js";
import { memberRoutes } from "../routes/members.js";
import { merchantRoutes } from "../routes/merchants.js";
import { operatorRoutes } from "../routes/operator.js";
import { orderRoutes } from "../routes/orders.js";
import { paymentRoutes } from "../routes/payments.js";
import { paymentSettingsRoutes } from "../routes/payment-settings.js";
import { productRoutes } from "../routes/products.js";
import { publicRoutes } from "../routes/public.js";
import { rulePreviewRoutes } from "../routes/rule-previews.js";
import { saleRoutes } from "../routes/sales.js";
import { schemeRoutes } from "../routes/scheme.js";
import { staffRoutes } from "../routes/staff.js";
import { notificationRoutes } from "../routes/notifications.js";
import { previewRoutes } from "../routes/previews.js";
import { prepaidTopUpRoutes } from "../routes/prepaid-top-ups.js";
import { providerReconciliationRoutes } from "../routes/provider-reconciliation.js";
import { tenantRoutes } from "../routes/tenants.js";
import { withdrawalRoutes } from "../routes/withdrawals.js";
import { payoutAccountRoutes } from "../routes/payout-accounts.js";
import { type HardeningOptions, registerHardening } from "./hardening.js";
import { refuseDeepJson } from "./input-guard.js";
import { requestToken } from "./session-cookie.js";

export interface AppOptions {
  ledger: Ledger;
  /** HMAC secret of the sandbox payment provider (random per process when absent). */
  paymentSecret?: string;
  defaultTenant?: string;
  /** pino options, or false for no logs (tests). */
  logger?: FastifyServerOptions["logger"];
  /** Directory of the built web app; served at / when it exists. */
  webDist?: string | null;
  now?: () => number;
  /** Check every answer against the contract (tests): a body outside it answers 500 and is logged. */
  checkResponses?: boolean;
  /** Proxy trust, session timeouts, registration ceiling (settings.ts; the defaults when absent). */
  security?: Partial<SecuritySettings>;
  /** CORS origins and the /metrics token (default: no cross-origin calls, /metrics not served). */
  hardening?: HardeningOptions;
  /** Webhook delivery (settings.ts; ZENGZHI_WEBHOOK_ALLOW_PRIVATE and the defaults when absent). */
  webhooks?: Partial<WebhookSettings>;
  /** Members' SMS and WeChat notices (default: log lines only). */
  notifier?: Notifier;
  /** The key ring sealing payment credentials (default: ZENGZHI_SECRETS_KEY; see docs/PAYMENTS.md). */
  secretsKey?: string;
  /** The public base URL the providers call back (default: ZENGZHI_PUBLIC_URL). */
  publicUrl?: string;
  /** Provider endpoints other than production (tests: the local fakes). */
  paymentEndpoints?: Partial<Record<"wechat" | "alipay", string>>;
  /** WeChat sign-in's endpoints other than production (tests: the local fake). */
  wechatSignIn?: WechatSignInEndpoints;
  /** Whether the operator may close days by hand (default true here; `zengzhi start` reads ZENGZHI_MANUAL_CLOSE, off by default). */
  manualClose?: boolean;
}

export interface App {
  app: FastifyInstance;
  services: Services;
}

function fastifyErrorBody(error: FastifyError): ApiError {
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new ApiError(413, "body_too_large", "the request body is larger than this route accepts");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new ApiError(415, "unsupported_media_type", "send JSON (content-type: application/json)");
    case "FST_ERR_BAD_URL":
      return new ApiError(400, "invalid_url", "the URL is not valid (check its %-escapes)");
    case "FST_ERR_MAX_PARAM_LENGTH":
      return new ApiError(414, "uri_too_long", "a path parameter is longer than 100 characters");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new ApiError(400, "invalid_json", "the body is not valid JSON");
    default:
      if (error instanceof SyntaxError)
        return new ApiError(400, "invalid_json", "the body is not valid JSON");
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        return new ApiError(error.statusCode, "bad_request", error.message);
      }
      return new ApiError(500, "internal_error", "something went wrong on our side; it has been logged");
  }
}

/**
 * The ledger's LedgerUnavailableError (lease moving, holder unreachable) and a lost database
 * connection are passing states, answered 503 ledger_unavailable (retry with the same key), not 500.
 */
function unavailableError(raw: unknown): ApiError | undefined {
  const error = raw as NodeJS.ErrnoException & { code?: string };
  const connectionLost =
    error.name === "LedgerUnavailableError" ||
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57P01", "57P02", "57P03"].includes(
      error.code ?? "",
    ) ||
    (typeof error.code === "string" && error.code.startsWith("08")) ||
    /Connection terminated|connection is not open|Client has encountered a connection error/.test(
      error.message ?? "",
    );
  if (!connectionLost) return undefined;
  return new ApiError(
    503,
    "ledger_unavailable",
    "the ledger is moving between nodes or its database is unreachable; retry in a moment (same Idempotency-Key)",
  );
}

/** Errors Node's HTTP parser meets before Fastify sees a request, answered with the envelope too. */
function clientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, code, message] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? [431, "headers_too_large", "the request's headers are too large"]
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "request_timeout", "the request took too long to arrive"]
        : [400, "bad_request", "the HTTP request is malformed"];
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** The setting in Fastify's terms: a hop count becomes "trust the nearest n hops". */
function fastifyTrustProxy(
  trust: TrustProxy,
): boolean | string | ((address: string, hop: number) => boolean) {
  return typeof trust === "number" ? (_address, hop) => hop < trust : trust;
}

export async function buildApp(options: AppOptions): Promise<App> {
  const security: SecuritySettings = { ...DEFAULT_SECURITY, ...options.security };
  const app = Fastify({
    logger: options.logger ?? false,
    // Whether request.ip and request.protocol come from X-Forwarded-For / X-Forwarded-Proto: only
    // behind a proxy the operator names, or every client could choose its own address.
    trustProxy: fastifyTrustProxy(security.trustProxy),
    bodyLimit: LIMITS.bodyBytesMax,
    // One log line per request would cost more than the request itself at bench rates; errors are logged.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // A bad %-escape or an over-long path parameter is answered by the router, before any route.
    frameworkErrors: (error, _request, reply) => {
      const answer = fastifyErrorBody(error);
      void (reply as FastifyReply).code(answer.status).send(answer.toBody());
    },
    clientErrorHandler: clientError,
  });
  app.decorate("checkResponses", options.checkResponses === true);
  const hardening = options.hardening ?? { corsOrigins: [], metricsToken: null };
  app.decorate("metricsToken", hardening.metricsToken);
  await registerHardening(app, hardening);
  const secret = options.paymentSecret ?? (await import("node:crypto")).randomBytes(32).toString("hex");
  const services = new Services({
    ledger: options.ledger,
    logger: app.log,
    paymentSecret: secret,
    security,
    secretsKey: options.secretsKey ?? process.env["ZENGZHI_SECRETS_KEY"],
    publicUrl: options.publicUrl ?? process.env["ZENGZHI_PUBLIC_URL"],
    ...(options.paymentEndpoints === undefined ? {} : { paymentEndpoints: options.paymentEndpoints }),
    ...(options.wechatSignIn === undefined ? {} : { wechatSignIn: options.wechatSignIn }),
    ...(options.defaultTenant === undefined ? {} : { defaultTenant: options.defaultTenant }),
    ...(options.now === undefined ? {} : { now: options.now }),
    webhooks: { ...webhookSettingsFromEnv(process.env), ...options.webhooks },
    ...(options.notifier === undefined ? {} : { notifier: options.notifier }),
    ...(options.manualClose === undefined ? {} : { manualClose: options.manualClose }),
  });

  // JSON bodies are parsed from the raw string so the payment callback can verify its signature over
  // exactly the bytes received.
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = body as string;
    if (request.url.startsWith("/api/payments/")) request.rawBody = text;
    if (text === "") return done(null, undefined);
    try {
      refuseDeepJson(text);
    } catch (error) {
      return done(error as ApiError, undefined);
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ApiError(400, "invalid_json", "the body is not valid JSON"), undefined);
    }
  });
  // Input is validated with the contract's zod schemas in the route helper (http/route.ts).
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  app.decorateRequest("session", null);

  await app.register(fastifyCookie);
  // The document is the contract's, built from its operation table; the routes declare no schemas.
  await app.register(fastifySwagger, {
    mode: "static",
    specification: { document: buildOpenApi() as never },
  });
  // Swagger UI sets its own Content-Security-Policy on its pages (hashes of its inline parts).
  await app.register(fastifySwaggerUi, { routePrefix: "/docs", staticCSP: true });

  // Callback-style hooks: a cached session and the metrics cost no promise per request.
  app.addHook("onRequest", (request, _reply, done) => {
    const token = requestToken(request);
    if (token === undefined || token === "") return done();
    const cached = services.sessions.cached(token);
    if (cached !== undefined) {
      request.session = cached;
      return done();
    }
    services.sessions.find(token).then((session) => {
      request.session = session;
      done();
    }, done);
  });
  app.addHook("onResponse", (request, reply, done) => {
    services.metrics.observeRequest(
      request.method,
      request.routeOptions.url ?? "unknown",
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });

  app.setErrorHandler((raw, request, reply) => {
    const error =
      raw instanceof ApiError ? raw : (unavailableError(raw) ?? fastifyErrorBody(raw as FastifyError));
    if (error.status >= 500) request.log.error({ err: raw }, "request failed");
    const retryAfter = error.extra.retryAfterSeconds;
    if (typeof retryAfter === "number") void reply.header("retry-after", String(retryAfter));
    return reply.code(error.status).send(error.toBody());
  });

  for (const routes of [
    publicRoutes,
    authRoutes,
    tenantRoutes,
    rulePreviewRoutes,
    merchantRoutes,
    productRoutes,
    orderRoutes,
    paymentRoutes,
    paymentSettingsRoutes,
    accountSecurityRoutes,
    saleRoutes,
    memberRoutes,
    operatorRoutes,
    financeRoutes,
    withdrawalRoutes,
    payoutAccountRoutes,
    schemeRoutes,
    staffRoutes,
    notificationRoutes,
    previewRoutes,
    prepaidTopUpRoutes,
    providerReconciliationRoutes,
  ]) {
    routes(app, services);
  }

  const webDist = options.webDist;
  const spa = webDist !== undefined && webDist !== null && existsSync(`${webDist}/index.html`);
  if (spa) await app.register(fastifyStatic, { root: webDist, wildcard: false });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0]!;
    if (spa && request.method === "GET" && !path.startsWith("/api/") && path !== "/api") {
      return reply.sendFile("index.html");
    }
    return reply
      .code(404)
      .send(new ApiError(404, "not_found", `no route ${request.method} ${path}`).toBody());
  });
  return { app, services };
}
