/**
 * Request bodies, queries and path parameters: the shapes the service accepts. Decimal amounts are
 * strings here (their shape and length checked); the service parses them with the engine's parser.
 */
import { z } from "zod";
import {
  FIELD_LIMITS,
  balanceText,
  dateField,
  idField,
  integerIdParam,
  moneyText,
  nameField,
  pageQuery,
  passwordField,
  phoneField,
  memberIdField,
  memberSearchField,
  pointsText,
  ratioText,
  splitInput,
  tenantField,
  textField,
  textIdParam,
  usernameField,
} from "./fields.js";
import { ORDER_STATUSES, POSITION_STATUSES, WITHDRAWAL_STATUSES } from "./views.js";

export const integerIdParams = z.strictObject({ id: integerIdParam });
export const textIdParams = z.strictObject({ id: textIdParam });

export const publicViewQuery = z.strictObject({ tenant: tenantField.optional() });

export const loginRequest = z
  .strictObject({ tenant: tenantField, username: textField(64), password: z.string().max(256) })
  .meta({ id: "LoginRequest" });

export const changePasswordRequest = z
  .strictObject({ currentPassword: z.string().max(256), newPassword: passwordField })
  .meta({ id: "ChangePasswordRequest" });

export const passwordResetRequest = z
  .strictObject({
    tenant: tenantField,
    username: textField(64),
    code: textField(64),
    newPassword: passwordField,
  })
  .meta({ id: "PasswordResetRequest" });

/** A session's public id (from the list of sessions); any other text answers 404. */
export const sessionIdParams = z.strictObject({ id: textIdParam });

export const registerRequest = z
  .strictObject({
    tenant: tenantField,
    username: usernameField,
    password: passwordField,
    inviteCode: usernameField.optional(),
  })
  .meta({ id: "RegisterRequest" });

export const createTenantRequest = z
  .strictObject({
    tenant: tenantField,
    rules: z
      .unknown()
      .optional()
      .meta({ description: "a rule set's JSON form; missing fields take defaults" }),
    operator: z.strictObject({ username: usernameField, password: passwordField }),
  })
  .meta({ id: "CreateTenantRequest" });

/**
 * The state hash a preview answered (POST /api/operator/previews/…): an action that carries it is
 * refused with preview_stale when the tenant's state has moved since, so what runs is what was shown.
 */
export const stateHashField = z
  .string()
  .regex(/^[0-9a-f]{64}$/)
  .meta({ description: "the stateHash of the preview the operator confirmed (64 hex digits)" });

export const publishRulesRequest = z
  .strictObject({
    rules: z
      .record(z.string(), z.unknown())
      .meta({ description: "a rule set's JSON form (docs/RULES.md); missing fields take defaults" }),
    stateHash: stateHashField.optional(),
  })
  .meta({ id: "PublishRulesRequest" });

/** Bounds of a rule-change preview: long enough to see cohorts wait, short enough to answer in minutes. */
export const RULE_PREVIEW_LIMITS = {
  horizonDaysMin: 30,
  horizonDaysMax: 1095,
  runsMax: 100,
  windowDaysMin: 30,
  windowDaysMax: 90,
} as const;

export const previewRuleChangeRequest = z
  .strictObject({
    rules: z.record(z.string(), z.unknown()).meta({
      description: "the proposed rule set's JSON form (docs/RULES.md); missing fields take defaults",
    }),
    horizonDays: z
      .int()
      .min(RULE_PREVIEW_LIMITS.horizonDaysMin)
      .max(RULE_PREVIEW_LIMITS.horizonDaysMax)
      .optional()
      .meta({ description: "days simulated from today (default 365)" }),
    runs: z
      .int()
      .min(1)
      .max(RULE_PREVIEW_LIMITS.runsMax)
      .optional()
      .meta({ description: "Monte Carlo runs per side (default 20)" }),
    windowDays: z
      .int()
      .min(RULE_PREVIEW_LIMITS.windowDaysMin)
      .max(RULE_PREVIEW_LIMITS.windowDaysMax)
      .optional()
      .meta({ description: "the last days whose orders and sells the demand is fitted to (default 60)" }),
    seed: z
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional()
      .meta({ description: "first seed; run i of both sides uses seed + i (default 1)" }),
  })
  .meta({ id: "PreviewRuleChangeRequest" });

export const listProductsQuery = pageQuery.extend({ merchant: idField.optional() });

export const createMerchantRequest = z
  .strictObject({ id: idField, name: nameField, username: usernameField, password: passwordField })
  .meta({ id: "CreateMerchantRequest" });

export const createProductRequest = z
  .strictObject({ name: nameField, price: moneyText, split: splitInput.nullable().optional() })
  .meta({ id: "CreateProductRequest" });

export const updateProductRequest = z
  .strictObject({
    name: nameField.optional(),
    price: moneyText.optional(),
    split: splitInput.nullable().optional(),
    active: z.boolean().optional(),
  })
  .meta({ id: "UpdateProductRequest" });

export const createOrderRequest = z
  .strictObject({
    productId: idField,
    quantity: z.int().min(1).max(FIELD_LIMITS.quantityMax).optional(),
  })
  .meta({ id: "CreateOrderRequest" });

/** The sandbox provider's callback body, signed (X-Sandbox-Signature) over its raw bytes. */
export const paymentCallbackRequest = z
  .strictObject({
    tenant: z.string().min(1).max(64),
    paymentId: z.string().min(1).max(64),
    orderId: z.int().min(1),
    amount: z.string().max(40),
    status: z.literal("paid"),
    nonce: z.string().min(8).max(64),
    timestamp: z.int(),
  })
  .meta({ id: "PaymentCallback" });

export const listOrdersQuery = pageQuery.extend({ status: z.enum(ORDER_STATUSES).optional() });

/**
 * A till sale names its member by the payment code the member shows (preferred: the member confirms)
 * or, for older clients, by member id; one of the two is required.
 */
export const saleRequest = z
  .strictObject({
    member: memberIdField.optional(),
    code: z
      .string()
      .regex(/^[0-9]{12}$/, "must be the 12 digits of the member's payment code")
      .optional(),
    amount: moneyText,
    productId: idField.optional(),
  })
  .meta({ id: "SaleRequest" });

/** A till sale's position id, to void it. */
export const salePositionParams = z.strictObject({ position: integerIdParam });

/** Money the operator received for a merchant's prepaid balance: the bank transfer's reference. */
export const prepaidCreditRequest = z
  .strictObject({ amount: moneyText, reference: textField(64).min(1) })
  .meta({ id: "PrepaidCreditRequest" });

/** A merchant top-up of its prepaid balance, paid through the tenant's payment provider. */
export const prepaidTopUpRequest = z.strictObject({ amount: moneyText }).meta({ id: "PrepaidTopUpRequest" });

/** The operator's bounds on a merchant's product splits (fractions 0–1). */
export const splitBoundsRequest = z
  .strictObject({ maxPoolContribution: z.string().max(20), minPlatformProfit: z.string().max(20) })
  .meta({ id: "SplitBoundsRequest" });

export const listPositionsQuery = pageQuery.extend({ status: z.enum(POSITION_STATUSES).optional() });

export const sellRequest = z.strictObject({ points: pointsText }).meta({ id: "SellRequest" });

export const payWithPointsRequest = z
  .strictObject({ amount: moneyText, merchant: idField })
  .meta({ id: "PayWithPointsRequest" });

export const withdrawalRequest = z.strictObject({ amount: moneyText }).meta({ id: "WithdrawalRequest" });

export const financingRequest = z
  .strictObject({
    toPool: moneyText.optional(),
    toSubsidy: moneyText.optional(),
    label: textField(FIELD_LIMITS.labelLengthMax).optional(),
    stateHash: stateHashField.optional(),
  })
  .refine((body) => body.toPool !== undefined || body.toSubsidy !== undefined, {
    message: "give toPool, toSubsidy or both",
    path: ["toPool"],
  })
  .meta({ id: "FinancingRequest" });

export const listingRequest = z
  .strictObject({ sharesPerPoint: ratioText, stateHash: stateHashField.optional() })
  .meta({ id: "ListingRequest" });

export const coinImportRequest = z
  .strictObject({
    csv: z
      .string()
      .max(FIELD_LIMITS.csvBodyBytesMax)
      .meta({ description: "lines of member,coins (an optional header line member,coins)" }),
  })
  .meta({ id: "CoinImportRequest" });

export const tipBuyRequest = z
  .strictObject({ merchant: idField, amount: moneyText })
  .meta({ id: "TipBuyRequest" });

export const tipRequest = z
  .strictObject({ merchant: idField, member: memberIdField, points: pointsText })
  .meta({ id: "TipRequest" });

/** Report buckets: local days, ISO weeks (Monday first) or calendar months of the tenant's time zone. */
export const REPORT_UNITS = ["day", "week", "month"] as const;

export const reportQuery = z.strictObject({
  from: dateField,
  to: dateField,
  unit: z.enum(REPORT_UNITS).default("day"),
});

/** The operator's member list: all members in joining order, or those matching `q` by name or phone. */
export const listMembersQuery = pageQuery.extend({ q: memberSearchField.optional() });

export const updateMemberRequest = z
  .strictObject({
    phone: phoneField.nullable().optional(),
    frozen: z.boolean().optional(),
  })
  .meta({ id: "UpdateMemberRequest" });

export const listWithdrawalsQuery = pageQuery.extend({ status: z.enum(WITHDRAWAL_STATUSES).optional() });

export const pauseRequest = z.strictObject({ paused: z.boolean() }).meta({ id: "PauseRequest" });

export const STATEMENT_ACCOUNTS = ["cash", "points", "prepaid"] as const;
export const statementQuery = pageQuery.extend({ account: z.enum(STATEMENT_ACCOUNTS).default("cash") });

export const timeZoneRequest = z
  .strictObject({
    timeZone: z.string().min(1).max(64).meta({ description: "IANA time zone, e.g. Asia/Shanghai" }),
  })
  .meta({ id: "TimeZoneRequest" });

export const closeDayRequest = z
  .strictObject({
    days: z.int().min(1).max(FIELD_LIMITS.closeDaysMax).optional(),
    stateHash: stateHashField.optional(),
  })
  .meta({ id: "CloseDayRequest" });

const withdrawalIds = z
  .array(z.int().min(1))
  .max(FIELD_LIMITS.withdrawalBatchMax)
  .meta({ description: "ids of pending withdrawals" });

/** Several withdrawal decisions at once: approvals first, then rejections, each its own ledger command. */
export const withdrawalDecisionsRequest = z
  .strictObject({
    approve: withdrawalIds.optional(),
    reject: withdrawalIds.optional(),
    stateHash: stateHashField.optional(),
  })
  .refine((body) => (body.approve?.length ?? 0) + (body.reject?.length ?? 0) > 0, {
    message: "give at least one withdrawal to approve or reject",
    path: ["approve"],
  })
  .refine(
    (body) => (body.approve?.length ?? 0) + (body.reject?.length ?? 0) <= FIELD_LIMITS.withdrawalBatchMax,
    {
      message: `at most ${FIELD_LIMITS.withdrawalBatchMax} decisions at once`,
      path: ["approve"],
    },
  )
  .meta({ id: "WithdrawalDecisionsRequest" });

export const custodyStatementRequest = z
  .strictObject({
    amount: balanceText,
    date: z.iso.date(),
    reference: textField(FIELD_LIMITS.labelLengthMax),
  })
  .meta({ id: "CustodyStatementRequest" });

export const reconciliationRequest = z
  .strictObject({ balance: balanceText })
  .meta({ id: "ReconciliationRequest" });

/** A command forwarded by the node that received it to the node holding the tenant's lease. */
export const forwardRequest = z
  .strictObject({
    tenant: z.string().min(1).max(64),
    key: z.string().min(1).max(200),
    command: z.record(z.string(), z.unknown()),
    /** The audit entry the receiving node would have committed with the command. */
    audit: z
      .strictObject({
        actor: z.string(),
        role: z.string(),
        action: z.string(),
        target: z.string().nullable().optional(),
        detail: z.record(z.string(), z.unknown()).nullable().optional(),
      })
      .optional(),
  })
  .meta({ id: "ForwardRequest" });

/** PEM text of a key (or, for Alipay's public key, its bare Base64). */
const keyText = z.string().min(1).max(8192);

/** WeChat Pay API v3 credentials of one merchant (docs/PAYMENTS.md says where each comes from). */
export const setWechatPaySettingsRequest = z
  .strictObject({
    mchid: z.string().regex(/^[0-9]{8,12}$/),
    appid: z.string().regex(/^wx[0-9A-Za-z]{16}$/),
    merchantSerial: z.string().regex(/^[0-9A-Fa-f]{8,64}$/),
    merchantPrivateKey: keyText,
    apiV3Key: z.string().regex(/^[\x21-\x7e]{32}$/),
    platformKeyId: z.string().regex(/^(PUB_KEY_ID_[0-9]{1,40}|[0-9A-Fa-f]{8,64})$/),
    platformPublicKey: keyText,
  })
  .meta({ id: "SetWechatPaySettingsRequest" });

/** Alipay open-platform (RSA2) credentials of one application. */
export const setAlipaySettingsRequest = z
  .strictObject({
    appId: z.string().regex(/^[0-9]{16}$/),
    appPrivateKey: keyText,
    alipayPublicKey: keyText,
    sellerId: z
      .string()
      .regex(/^2088[0-9]{12}$/)
      .optional(),
  })
  .meta({ id: "SetAlipaySettingsRequest" });

/** The member's choice at checkout (the sandbox keeps its own route, payOrder). */
export const requestOrderPaymentRequest = z
  .strictObject({
    method: z.enum(["wechat_jsapi", "wechat_h5", "wechat_native", "alipay_wap", "alipay_page", "alipay_qr"]),
    /** The member's openid under the scheme's WeChat appid (wechat_jsapi). */
    openid: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional(),
  })
  .meta({ id: "RequestOrderPaymentRequest" });

export const providerNotificationParams = z.strictObject({ tenant: tenantField });

/** A WeChat Pay notification envelope; its signature over the raw bytes is the check, not this shape. */
export const wechatPayNotificationRequest = z.looseObject({}).meta({ id: "WechatPayNotification" });

// ---------------------------------------------------------------- task L: top-ups, tips, reconciliation

/** A merchant's top-up through the tenant's provider, on the merchant's desktop (issue 12). */
export const prepaidTopUpPaymentRequest = z
  .strictObject({ amount: moneyText, method: z.enum(["wechat_native", "alipay_page"]) })
  .meta({ id: "PrepaidTopUpPaymentRequest" });

export const topUpReferenceParams = z.strictObject({
  reference: z.string().regex(/^P[0-9a-f]{20}$/),
});

/** A merchant buys tip points from its own prepaid balance (issue 13). */
export const merchantTipBuyRequest = z
  .strictObject({ amount: moneyText })
  .meta({ id: "MerchantTipBuyRequest" });

/** The operator reconciles the providers' statements of one local date (default: yesterday). */
export const providerReconciliationRequest = z
  .strictObject({ date: dateField.optional() })
  .meta({ id: "ProviderReconciliationRequest" });

// Sign-in without a typed tenant, WeChat sign-in and phone binding (issue 12 item 5, issue 13 item 6).
export const signInOptionsQuery = z.strictObject({
  tenant: tenantField
    .optional()
    .meta({ description: "the tenant of a /t/<tenant>/ address; else the Host's" }),
});

const wechatAppInput = z.strictObject({ appid: textField(64).min(1), secret: textField(128).min(1) });

export const setSignInSettingsRequest = z
  .strictObject({
    domain: textField(253)
      .nullable()
      .optional()
      .meta({ description: "the scheme's own host name; null removes it" }),
    official: wechatAppInput
      .nullable()
      .optional()
      .meta({ description: "the official account (公众号) for the H5" }),
    mini: wechatAppInput.nullable().optional().meta({ description: "the mini program (小程序)" }),
  })
  .meta({ id: "SetSignInSettingsRequest" });

export const wechatAuthorizationRequest = z
  .strictObject({
    tenant: tenantField,
    scope: z.enum(["snsapi_base", "snsapi_userinfo"]).default("snsapi_base"),
  })
  .meta({ id: "WechatAuthorizationRequest" });

export const wechatLoginRequest = z
  .strictObject({ tenant: tenantField, code: textField(256).min(1), state: textField(128).min(1) })
  .meta({ id: "WechatLoginRequest" });

export const miniProgramLoginRequest = z
  .strictObject({ tenant: tenantField, code: textField(256).min(1) })
  .meta({ id: "MiniProgramLoginRequest" });

export const wechatLinkRequest = z
  .strictObject({ code: textField(256).min(1), state: textField(128).min(1) })
  .meta({ id: "WechatLinkRequest" });

export const phoneCodeRequest = z.strictObject({ phone: phoneField }).meta({ id: "PhoneCodeRequest" });

export const setPhoneRequest = z
  .strictObject({
    phone: phoneField,
    code: z.string().regex(/^\s*[0-9]{6}\s*$/, "must be the 6 digits sent"),
  })
  .meta({ id: "SetPhoneRequest" });
