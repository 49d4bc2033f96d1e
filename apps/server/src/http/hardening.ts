/**
 * HTTP hardening (issue #11): security headers on every answer (helmet's, with a
 * Content-Security-Policy that fits the built web app, computed once at start-up), HSTS only over HTTPS, `Cache-Control:
 * no-store` on every API answer but the public reads, CORS closed unless origins are configured, and
 * /metrics only with its bearer token. Settings come from the environment (docs/SECURITY.md).
 */
import { timingSafeEqual, createHash } from "node:crypto";
import fastifyCors from "@fastify/cors";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance, FastifyRequest } from "fastify";
import helmet, { type HelmetOptions } from "helmet";

export interface HardeningOptions {
  /** Origins a browser may call the API from (CORS); empty: no cross-origin call is allowed. */
  corsOrigins: readonly string[];
  /** The bearer token /metrics requires; null: /metrics is not served (404). */
  metricsToken: string | null;
}

/** The settings from the environment: ZENGZHI_CORS_ORIGINS (comma-separated), ZENGZHI_METRICS_TOKEN. */
export function hardeningFromEnv(env: Record<string, string | undefined>): HardeningOptions {
  const origins = (env.ZENGZHI_CORS_ORIGINS ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter((origin) => origin !== "");
  const token = env.ZENGZHI_METRICS_TOKEN ?? "";
  return { corsOrigins: origins, metricsToken: token === "" ? null : token };
}

/**
 * The web app is one origin: its scripts, styles and workers are files of dist/ (Vite puts nothing
 * inline), QR codes are data: images, charts are canvases. Nothing may frame it.
 */
const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    baseUri: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:", "blob:"],
    fontSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    workerSrc: ["'self'", "blob:"],
    objectSrc: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

/** HSTS for a year, only on answers to requests that came over HTTPS (directly or via a trusted proxy). */
const HSTS = "max-age=31536000; includeSubDomains";

const HELMET: HelmetOptions = {
  contentSecurityPolicy: CONTENT_SECURITY_POLICY,
  // Sent only over HTTPS below: a browser told over plain HTTP would lock a test host out.
  strictTransportSecurity: false,
  frameguard: { action: "deny" },
  referrerPolicy: { policy: "no-referrer" },
};

/**
 * The headers helmet sets, taken once from its middleware: with fixed options (no nonces) they are
 * the same on every answer, and @fastify/helmet built them anew per request (about 5% of the HTTP
 * thread at 6,000 sales/s).
 */
export function helmetHeaders(options: HelmetOptions = HELMET): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error !== undefined && error !== null) throw error;
  });
  return headers;
}

export async function registerHardening(app: FastifyInstance, options: HardeningOptions): Promise<void> {
  const headers = helmetHeaders();
  app.addHook("onRequest", (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  app.addHook("onSend", (request, reply, payload, done) => {
    if (request.protocol === "https") reply.header("strict-transport-security", HSTS);
    done(null, payload);
  });
  if (options.corsOrigins.length > 0) {
    await app.register(fastifyCors, {
      origin: [...options.corsOrigins],
      credentials: true,
      methods: ["GET", "POST", "PUT", "DELETE"],
      allowedHeaders: ["content-type", "authorization", "idempotency-key"],
      maxAge: 600,
    });
  }
}

/** True when the request carries `Authorization: Bearer <token>` (compared in constant time). */
export function hasBearer(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization ?? "";
  if (!header.startsWith("Bearer ")) return false;
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(header.slice(7)), digest(token));
}
