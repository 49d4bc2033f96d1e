/**
 * Request bodies, queries and path parameters: the shapes the service accepts. Decimal amounts are
 * strings here (their shape and length checked); the service parses them with the engine's parser.
 */
import { z } from "zod";
import {
  FIELD_LIMITS,
  balanceText,
  idField,
  integerIdParam,
  moneyText,
  nameField,
  pageQuery,
  passwordField,
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

export const publishRulesRequest = z
  .strictObject({
    rules: z
      .record(z.string(), z.unknown())
      .meta({ description: "a rule set's JSON form (docs/RULES.md); missing fields take defaults" }),
  })
  .meta({ id: "PublishRulesRequest" });

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

export const saleRequest = z
  .strictObject({ member: idField, amount: moneyText, productId: idField.optional() })
  .meta({ id: "SaleRequest" });

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
  })
  .refine((body) => body.toPool !== undefined || body.toSubsidy !== undefined, {
    message: "give toPool, toSubsidy or both",
    path: ["toPool"],
  })
  .meta({ id: "FinancingRequest" });

export const listingRequest = z.strictObject({ sharesPerPoint: ratioText }).meta({ id: "ListingRequest" });

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
  .strictObject({ merchant: idField, member: idField, points: pointsText })
  .meta({ id: "TipRequest" });

export const listWithdrawalsQuery = pageQuery.extend({ status: z.enum(WITHDRAWAL_STATUSES).optional() });

export const pauseRequest = z.strictObject({ paused: z.boolean() }).meta({ id: "PauseRequest" });

export const STATEMENT_ACCOUNTS = ["cash", "points"] as const;
export const statementQuery = pageQuery.extend({ account: z.enum(STATEMENT_ACCOUNTS).default("cash") });

export const timeZoneRequest = z
  .strictObject({
    timeZone: z.string().min(1).max(64).meta({ description: "IANA time zone, e.g. Asia/Shanghai" }),
  })
  .meta({ id: "TimeZoneRequest" });

export const closeDayRequest = z
  .strictObject({ days: z.int().min(1).max(FIELD_LIMITS.closeDaysMax).optional() })
  .meta({ id: "CloseDayRequest" });

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
