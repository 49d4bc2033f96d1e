/**
 * The shape of one operation of the API, and the helper that declares one: it adds the error codes
 * every operation of its kind can answer (session, role, body, Idempotency-Key, ledger) to the ones
 * its own handler answers, so the table lists only what is particular to each operation.
 */
import type { z } from "zod";
import type { ErrorCode } from "./errors.js";
import type { Role } from "./types.js";

export type { Role } from "./types.js";
export type Method = "GET" | "POST" | "PUT" | "DELETE";

/** Who may call an operation: anyone, any logged-in user, or the listed roles. */
export type Callers = "public" | "session" | readonly Role[];

export const TAGS = {
  system: "Liveness, readiness, metrics, and commands forwarded between nodes.",
  public: "The public transparency view: no login, no personal data.",
  accounts: "Log in, log out, register, who am I, change the password, list and revoke sessions.",
  tenants: "Tenants (schemes) and their rule-set versions.",
  merchants: "Merchants and their settlement.",
  products: "A merchant's products.",
  orders: "Online orders, their payment, refunds, and in-store sales.",
  members: "A member's own wallet, positions, sells, payments with points, release and withdrawals.",
  operators: "The operator's console: money in and out of the pool, coins, the pause switch, the day, audit.",
  staff:
    "Staff accounts: invites with a role (admin, finance, support, auditor; a merchant's cashier), revoking.",
  webhooks: "Signed webhooks: endpoints, the events they receive, the delivery log, redelivery.",
} as const;

export type Tag = keyof typeof TAGS;

export interface OperationSpec<
  B extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  P extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType | null = z.ZodType | null,
> {
  operationId: string;
  method: Method;
  /** Fastify syntax: `/api/orders/:id`. */
  path: string;
  tags: readonly Tag[];
  summary: string;
  description?: string;
  callers: Callers;
  /** True when the operation requires an Idempotency-Key header. */
  idempotent: boolean;
  /** True when it submits a command to the ledger (it can answer ledger_busy and engine rejections). */
  ledger?: boolean;
  /** True when the operator's pause switch refuses it (scheme_paused). */
  pausable?: boolean;
  body?: B;
  query?: Q;
  params?: P;
  /** Body fields (top-level names) whose text may hold line breaks (CR, LF); no other control character. */
  multiline?: readonly string[];
  /** Bytes; the service's default applies when absent. */
  bodyLimit?: number;
  status: 200 | 201 | 204;
  /** The success body (null for 204). */
  response: R;
  /** The media type of the success body. */
  responseType?: "application/json" | "text/plain";
  /** The codes this operation's own handler answers (the common ones are added). */
  errors: readonly ErrorCode[];
}

export type Operation<
  B extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  P extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType | null = z.ZodType | null,
> = Readonly<OperationSpec<B, Q, P, R>> & { readonly errors: readonly ErrorCode[] };

/** The codes any operation of this kind can answer, besides its own. */
export function commonErrors(spec: OperationSpec): ErrorCode[] {
  const codes: ErrorCode[] = [
    "internal_error",
    "service_unavailable",
    "headers_too_large",
    "request_timeout",
    "bad_request",
  ];
  if (/:[A-Za-z]+/.test(spec.path)) codes.push("invalid_url", "uri_too_long");
  if (spec.callers !== "public") codes.push("unauthenticated");
  if (Array.isArray(spec.callers)) codes.push("forbidden");
  if (spec.method !== "GET")
    codes.push("invalid_json", "body_too_deep", "body_too_large", "unsupported_media_type");
  // Any string of the path, the query or the body is checked for control characters.
  codes.push("control_character");
  if (spec.body !== undefined || spec.query !== undefined)
    codes.push("invalid_field", "unknown_field", "out_of_range");
  if (spec.idempotent)
    codes.push(
      "missing_idempotency_key",
      "invalid_field",
      "idempotency_key_reused",
      "idempotency_key_expired",
    );
  if (spec.ledger === true) codes.push("ledger_busy", "ledger_unavailable", "invalid_command", "listed");
  if (spec.pausable === true) codes.push("scheme_paused");
  return codes;
}

/** Declares an operation; its `errors` become its own codes plus the common ones, each once. */
export function operation<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  R extends z.ZodType | null = null,
>(spec: OperationSpec<B, Q, P, R>): Operation<B, Q, P, R> {
  const errors = [...new Set([...commonErrors(spec as OperationSpec), ...spec.errors])];
  return Object.freeze({ ...spec, errors });
}
