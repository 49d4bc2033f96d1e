/**
 * Errors the API answers with: one body shape `{ error: { code, message, field?, reason? } }`, a 4xx
 * status chosen from one table, never a stack trace. Engine rejections map to statuses here too.
 */
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
