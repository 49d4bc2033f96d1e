/**
 * Errors the API answers with: one body shape `{ error: { code, message, field?, reason? } }` (the
 * contract's envelope), a code from the contract's one error table (ERRORS in @zengzhi/contract)
 * and its status, never a stack trace.
 */
import { errorStatus, isErrorCode, type ErrorCode } from "@zengzhi/contract";

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  field?: string;
  reason?: string;
  [extra: string]: unknown;
}

/** An expected failure of one request, answered as JSON with the given status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
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

export const badField = (field: string, reason: string, code: ErrorCode = "invalid_field") =>
  new ApiError(400, code, reason, field);
export const notFound = (what: string) => new ApiError(404, "not_found", `${what} not found`);
export const forbidden = (why = "this route is not open to your role") => new ApiError(403, "forbidden", why);
export const conflict = (why: string) => new ApiError(409, "conflict", why);

/** HTTP status of an engine rejection code (or the ledger's idempotency_key_reused), from the contract. */
export function rejectionStatus(code: string): number {
  return isErrorCode(code) ? errorStatus(code) : 409;
}
