/**
 * The one error table: every code the API can answer, with its HTTP status and what it means. The
 * engine's codes (rejections, rule-set errors, decimal errors) are keyed by the engine's own types, so
 * a code added there fails the type check here until it has a status; the service's codes follow.
 */
import type { DecimalError, RejectionCode, RuleSetErrorCode } from "@zengzhi/engine";
import { z } from "zod";

export interface ErrorInfo {
  status: number;
  description: string;
}

type DecimalErrorCode = DecimalError["code"];

/** The engine's rejections: a command refused by a rule (state unchanged). */
const REJECTION_ERRORS = {
  listed: { status: 409, description: "the scheme has listed; no event is accepted afterwards" },
  amount_not_positive: { status: 422, description: "the amount must be greater than zero" },
  unknown_member: { status: 404, description: "no member has this id" },
  member_exists: { status: 409, description: "a member with this id exists already" },
  unknown_inviter: { status: 404, description: "no member has this invite code" },
  self_invite: { status: 409, description: "a member cannot invite itself" },
  unknown_position: { status: 404, description: "no position has this id" },
  not_owner: { status: 403, description: "the position belongs to another member" },
  position_not_open: { status: 409, description: "the position was exited or closed" },
  insufficient_points: { status: 409, description: "the position holds fewer points than asked" },
  points_locked: { status: 409, description: "the points asked for are still locked (release rule)" },
  insufficient_coins: { status: 409, description: "the member holds fewer legacy coins than asked" },
  insufficient_funds: { status: 409, description: "the wallet or account holds less cash than asked" },
  insufficient_merchant_points: {
    status: 409,
    description: "the merchant holds fewer tip points than asked",
  },
  health_too_low: { status: 409, description: "the member's health value is below the rule's minimum" },
  withdrawal_over_request_limit: {
    status: 409,
    description: "the withdrawal is above the per-request limit",
  },
  withdrawal_over_daily_limit: { status: 409, description: "the withdrawal would pass the daily limit" },
  unknown_withdrawal: { status: 404, description: "no withdrawal has this id" },
  withdrawal_not_pending: { status: 409, description: "the withdrawal was approved or rejected already" },
  withdrawal_not_approved: {
    status: 409,
    description: "the withdrawal is not approved and waiting for its payout (paid or returned already)",
  },
  invalid_days: { status: 409, description: "the number of days to advance is not allowed" },
  zero_points: { status: 409, description: "the command would issue or move zero points" },
  amount_too_large: { status: 409, description: "the amount would not fit the engine's limits" },
  unknown_order: { status: 404, description: "no online order has this id" },
  order_already_paid: { status: 409, description: "this online order was paid already" },
  refund_window_passed: {
    status: 409,
    description: "the order waited out its refund window and was settled: its points were issued",
  },
  order_not_refundable: { status: 409, description: "the order was refunded already" },
  invalid_rows: {
    status: 400,
    description: "rows of the import are invalid (listed in rows); nothing was imported",
  },
  duplicate_member: {
    status: 400,
    description: "a member appears twice in a coin import (a row code of invalid_rows)",
  },
  preview_stale: {
    status: 409,
    description: "the state changed since the preview; preview again before confirming",
  },
  prepaid_insufficient: {
    status: 409,
    description:
      "the merchant's prepaid balance cannot cover what this till sale owes the scheme, or this tip-point buy",
  },
  split_out_of_bounds: {
    status: 422,
    description:
      "the split gives the pool more, or the platform less, than the operator allows this merchant",
  },
  unknown_sale: { status: 404, description: "this merchant has no till sale with this id" },
  sale_not_voidable: {
    status: 409,
    description: "the sale cannot be voided exactly (another day, points already used, or it moved others)",
  },
} as const satisfies Record<RejectionCode, ErrorInfo>;

/**
 * The rule-set loader's codes. Under POST /api/rules and POST /api/tenants they travel as `ruleCode`
 * of an `invalid_rules` answer; invalid_field, unknown_field, out_of_range and split_not_one are also
 * the codes of any refused request field.
 */
const RULE_SET_ERRORS = {
  invalid_field: { status: 400, description: "a field is missing, of the wrong type or malformed" },
  unknown_field: { status: 400, description: "the body or query has a field this operation does not take" },
  split_not_one: { status: 400, description: "the four parts of a split do not add up to 1" },
  out_of_range: { status: 400, description: "a value is outside its allowed range or limit" },
  multi_level_reward: {
    status: 400,
    description: "referral rewards beyond the direct inviter are not allowed",
  },
  tiers_not_ascending: { status: 400, description: "release tiers must be in ascending order of health" },
} as const satisfies Record<RuleSetErrorCode, ErrorInfo>;

/** The engine's decimal parser's codes, for money, points and ratios sent as decimal strings. */
const DECIMAL_ERRORS = {
  not_a_decimal: { status: 400, description: 'the value is not a decimal string such as "12.50"' },
  too_precise: { status: 400, description: "the value has more decimal places than its unit allows" },
} as const satisfies Record<DecimalErrorCode, ErrorInfo>;

/** The service's own codes, and the HTTP layer's (Fastify's and Node's) failures. */
const SERVICE_ERRORS = {
  invalid_url: { status: 400, description: "the URL is not valid (e.g. a broken %-escape)" },
  invalid_json: { status: 400, description: "the body is not valid JSON" },
  body_too_deep: {
    status: 400,
    description: "the JSON body nests arrays and objects deeper than the service reads (32 levels)",
  },
  control_character: {
    status: 400,
    description:
      "a text field, query value or path parameter holds a control character (U+0000–U+001F, U+007F–U+009F); field names it",
  },
  invalid_command: { status: 400, description: "the ledger refused the command as malformed" },
  invalid_rules: { status: 422, description: "the rule set is refused; ruleCode and field say why" },
  invalid_callback: { status: 400, description: "the payment callback does not match a known order" },
  invalid_signature: { status: 400, description: "the payment callback's signature does not verify" },
  replayed_callback: { status: 400, description: "the payment callback was received already, or is too old" },
  payment_credentials_invalid: {
    status: 400,
    description: "a key of the payment credentials does not parse or does not fit the provider",
  },
  payment_method_unavailable: {
    status: 409,
    description: "the scheme has not set up the provider of this payment method",
  },
  payout_account_missing: {
    status: 409,
    description: "the member has no payout account this scheme can pay (set one in the wallet first)",
  },
  payout_not_sending: {
    status: 409,
    description:
      "the withdrawal has no payout in flight (none, or it ended already), or not one paid by hand",
  },
  wechat_not_linked: {
    status: 409,
    description: "the member has not signed in with WeChat, so no WeChat account can receive payouts",
  },
  secrets_key_not_configured: {
    status: 409,
    description: "the server has no ZENGZHI_SECRETS_KEY, so payment credentials cannot be stored",
  },
  missing_idempotency_key: {
    status: 400,
    description: "this operation changes state: send an Idempotency-Key",
  },
  bad_request: { status: 400, description: "the HTTP request is malformed" },
  unauthenticated: { status: 401, description: "log in first (cookie zz_session or Bearer token)" },
  invalid_credentials: { status: 401, description: "the tenant, username or password is wrong" },
  forbidden: { status: 403, description: "the caller's role or account may not do this" },
  not_found: { status: 404, description: "no such route, or no such resource visible to the caller" },
  conflict: { status: 409, description: "the request conflicts with existing data (e.g. a name taken)" },
  liabilities_not_published: {
    status: 404,
    description: "no day has been closed since proofs of liabilities began: no root is published yet",
  },
  rule_preview_not_found: {
    status: 404,
    description: "no rule-change preview with this id on this node (previews are kept for an hour)",
  },
  rule_preview_running: {
    status: 409,
    description: "a rule-change preview of this tenant is still running: wait for it, then start the next",
  },
  payment_code_invalid: {
    status: 409,
    description: "the payment code is unknown, used already or expired: ask the member for a new one",
  },
  product_inactive: { status: 409, description: "the product is no longer sold" },
  scheme_paused: { status: 409, description: "the operator has paused orders, sales, sells and payments" },
  member_frozen: {
    status: 403,
    description:
      "the operator has frozen this member: no orders, sales to it, sells, payments or withdrawals",
  },
  manual_close_disabled: {
    status: 409,
    description: "days close by themselves at local midnight; the manual close is off on this deployment",
  },
  invalid_time_zone: { status: 400, description: "not an IANA time zone name (e.g. Asia/Shanghai)" },
  request_in_progress: { status: 409, description: "a request with this Idempotency-Key is still running" },
  request_timeout: { status: 408, description: "the request took too long to arrive" },
  body_too_large: { status: 413, description: "the body is larger than this operation accepts" },
  uri_too_long: {
    status: 414,
    description: "a path parameter is longer than the server reads (100 characters)",
  },
  unsupported_media_type: { status: 415, description: "send JSON (content-type: application/json)" },
  idempotency_key_reused: {
    status: 422,
    description: "this Idempotency-Key was used for a different request",
  },
  idempotency_key_expired: {
    status: 422,
    description:
      "this Idempotency-Key was used longer ago than the answer retention window (30 days by default); the request is not run again",
  },
  password_too_weak: {
    status: 400,
    description: "the password is among the commonest or too easy to guess (zxcvbn score below 2)",
  },
  current_password_wrong: { status: 403, description: "the current password given is not the account's" },
  too_many_attempts: {
    status: 429,
    description: "too many failed logins for this account from this address; retry after retryAfterSeconds",
  },
  too_many_requests: {
    status: 429,
    description: "this address sent too many logins or registrations; retry after retryAfterSeconds",
  },
  headers_too_large: { status: 431, description: "the request's headers are too large" },
  internal_error: { status: 500, description: "something failed on the server's side; it has been logged" },
  ledger_busy: { status: 503, description: "too many commands are waiting; retry with the same key" },
  ledger_unavailable: {
    status: 503,
    description:
      "the tenant's writer is moving between nodes or its database is unreachable; retry with the same key",
  },
  not_ready: {
    status: 503,
    description: "this node holds a tenant it cannot write, or cannot reach its database",
  },
  service_unavailable: { status: 503, description: "the server is shutting down; retry elsewhere or later" },
  // Staff and webhooks (issue 13).
  staff_role_not_allowed: {
    status: 403,
    description:
      "the caller may not give this role: an operator or admin invites admin, finance, support or auditor; a merchant a cashier",
  },
  invite_not_valid: { status: 404, description: "no open invite has this code (unknown, used or expired)" },
  // Sign-in without a typed tenant, WeChat sign-in and phone binding (issue 12 item 5, issue 13 item 6).
  domain_taken: { status: 409, description: "another scheme uses this domain" },
  wechat_sign_in_unavailable: {
    status: 409,
    description: "the scheme has not set up WeChat sign-in (the official account or the mini program)",
  },
  wechat_state_invalid: {
    status: 400,
    description:
      "the WeChat sign-in was not started in this browser (or for this account), was finished already, or expired",
  },
  wechat_code_invalid: {
    status: 400,
    description: "WeChat says the code is unknown, expired or used already",
  },
  wechat_refused: {
    status: 409,
    description: "WeChat refused the request with an error code (errcode); nothing was changed",
  },
  wechat_unreachable: { status: 503, description: "WeChat could not be reached; nothing was changed" },
  wechat_already_linked: {
    status: 409,
    description: "the account has a WeChat linked already, or this WeChat user is linked to another account",
  },
  wechat_unlink_refused: {
    status: 409,
    description: "WeChat is the account's only sign-in: set a password before unlinking it",
  },
  phone_code_invalid: {
    status: 400,
    description: "the phone code is wrong, used, expired or tried too often: ask for a new one",
  },
  phone_taken: { status: 409, description: "another account of the scheme has bound this phone number" },
  webhook_url_refused: {
    status: 422,
    description:
      "the webhook URL is not http(s), carries credentials, or names a private, loopback or link-local address",
  },
} as const satisfies Record<string, ErrorInfo>;

/** Every error code the API answers, with its status and a one-line description. */
export const ERRORS = {
  ...REJECTION_ERRORS,
  ...RULE_SET_ERRORS,
  ...DECIMAL_ERRORS,
  ...SERVICE_ERRORS,
} as const satisfies Record<string, ErrorInfo>;

export type ErrorCode = keyof typeof ERRORS;

export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERRORS, code);

/** The HTTP status of an error code. */
export const errorStatus = (code: ErrorCode): number => ERRORS[code].status;

/** One refused row of a CSV import (in `rows` of an invalid_rows answer). */
export const rowErrorSchema = z
  .strictObject({
    row: z.int().min(0),
    field: z.string(),
    code: z.enum(ERROR_CODES),
    reason: z.string(),
  })
  .meta({ id: "RowError" });

/**
 * The body of every error answer. `field` names the refused input (a dotted path, `query.` for the
 * query, a header's name) and `reason` says why; `ruleCode` comes with invalid_rules, `rows` with
 * invalid_rows, `retryAfterSeconds` (also the Retry-After header) with the 429 codes, `errcode` with
 * wechat_refused.
 */
export const errorBodySchema = z
  .strictObject({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    field: z.string().optional(),
    reason: z.string().optional(),
    ruleCode: z.enum(ERROR_CODES).optional(),
    rows: z.array(rowErrorSchema).optional(),
    retryAfterSeconds: z.int().min(1).optional(),
    errcode: z.int().optional().meta({ description: "WeChat's own error code, with wechat_refused" }),
  })
  .meta({ id: "ErrorBody" });

export const errorEnvelopeSchema = z.strictObject({ error: errorBodySchema }).meta({ id: "ErrorEnvelope" });

export type ErrorBody = z.infer<typeof errorBodySchema>;
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;
export type RowError = z.infer<typeof rowErrorSchema>;
