/**
 * Errors the API answers with: one body shape `{ error: { code, message, field?, reason? } }`, a 4xx
 * status chosen from one table, never a stack trace. Engine rejections map to statuses here too.
 */
import { z } from "zod";

export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
  reason?: string;
  [extra: string]: unknown;
}

/** An expected failure of one request, answered as JSON with the given status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  toBody(): { error: ErrorBody } {
    const body: ErrorBody = { code: this.code, message: this.message, ...this.extra };
    if (this.field !== undefined) {
      body.field = this.field;
      body.reason = this.message;
      body.message = `${this.field}: ${this.message}`;
    }
    return { error: body };
  }
}

export const badField = (field: string, reason: string, code = "invalid_field") =>
  new ApiError(400, code, reason, field);
export const notFound = (what: string) => new ApiError(404, "not_found", `${what} not found`);
export const forbidden = (why = "this route is not open to your role") => new ApiError(403, "forbidden", why);
export const conflict = (why: string) => new ApiError(409, "conflict", why);

/** HTTP status for each engine rejection code (and the ledger's idempotency_key_reused). */
export function rejectionStatus(code: string): number {
  switch (code) {
    case "unknown_member":
    case "unknown_position":
    case "unknown_withdrawal":
    case "unknown_inviter":
      return 404;
    case "not_owner":
      return 403;
    case "amount_not_positive":
    case "idempotency_key_reused":
      return 422;
    default:
      return 409;
  }
}

/** The first zod issue as an ApiError naming the field and the reason. */
export function zodError(error: z.ZodError, prefix = ""): ApiError {
  const issue = error.issues[0]!;
  const path = [prefix, ...issue.path.map(String)].filter((p) => p !== "").join(".");
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    return badField(path === "" ? key : `${path}.${key}`, "unknown field", "unknown_field");
  }
  if (issue.code === "custom" && typeof issue.params?.code === "string") {
    return badField(path === "" ? "body" : path, issue.message, issue.params.code);
  }
  if (issue.code === "too_big" || issue.code === "too_small") {
    return badField(path === "" ? "body" : path, issue.message, "out_of_range");
  }
  return badField(path === "" ? "body" : path, issue.message);
}

/** Parses input with a zod schema or throws the 400 that names the field. */
export function parse<T extends z.ZodType>(schema: T, input: unknown, prefix = ""): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw zodError(result.error, prefix);
  return result.data;
}
