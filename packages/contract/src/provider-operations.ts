/**
 * Operations of task L (issues 12 and 13): a merchant's prepaid top-up through the tenant's provider,
 * a merchant's own tip-point buy from its prepaid balance, and provider reconciliation. Merged into
 * the operation table by operations.ts.
 */
import { operation } from "./operation.js";
import * as request from "./requests.js";
import { CALLER_GROUPS } from "./roles.js";
import * as view from "./views.js";

const DECIMAL = ["not_a_decimal", "too_precise"] as const;

export const providerOperations = {
  requestPrepaidTopUp: operation({
    operationId: "requestPrepaidTopUp",
    method: "POST",
    path: "/api/merchant/prepaid/top-up-payments",
    tags: ["merchants"],
    summary:
      "Start topping up the merchant's prepaid balance through WeChat Pay (Native QR) or Alipay (page pay)",
    description:
      "The balance grows only when the provider's verified notification (or a query, see getPrepaidTopUp) says the top-up was paid; it is credited once.",
    callers: ["merchant"],
    idempotent: true,
    body: request.prepaidTopUpPaymentRequest,
    status: 201,
    response: view.prepaidTopUpPaymentSchema,
    errors: [...DECIMAL, "amount_not_positive", "payment_method_unavailable", "request_in_progress"],
  }),
  getPrepaidTopUp: operation({
    operationId: "getPrepaidTopUp",
    method: "GET",
    path: "/api/merchant/prepaid/top-up-payments/:reference",
    tags: ["merchants"],
    summary: "Follow one of the merchant's top-ups; while it is pending the provider is queried",
    callers: ["merchant"],
    idempotent: false,
    ledger: true,
    params: request.topUpReferenceParams,
    status: 200,
    response: view.prepaidTopUpItemSchema,
    errors: ["not_found", "payment_method_unavailable", "amount_too_large"],
  }),
  listPrepaidTopUps: operation({
    operationId: "listPrepaidTopUps",
    method: "GET",
    path: "/api/merchant/prepaid/top-up-payments",
    tags: ["merchants"],
    summary: "The merchant's latest top-ups through a provider, newest first",
    callers: ["merchant"],
    idempotent: false,
    status: 200,
    response: view.prepaidTopUpListSchema,
    errors: [],
  }),
  receiveWechatPayTopUpNotification: operation({
    operationId: "receiveWechatPayTopUpNotification",
    method: "POST",
    path: "/api/payments/wechat/:tenant/top-up-notify",
    tags: ["merchants"],
    summary: "WeChat Pay's signed, encrypted notification of a merchant's prepaid top-up",
    description:
      "Verified like the order notification; the top-up's reference and amount must match. 200 = received; any 4xx makes WeChat Pay re-send.",
    callers: "public",
    idempotent: false,
    ledger: true,
    params: request.providerNotificationParams,
    body: request.wechatPayNotificationRequest,
    status: 200,
    response: view.notificationAnswerSchema,
    errors: ["not_found", "invalid_signature", "invalid_callback", "replayed_callback", "amount_too_large"],
  }),
  buyOwnTipPoints: operation({
    operationId: "buyOwnTipPoints",
    method: "POST",
    path: "/api/merchant/tips/buy",
    tags: ["merchants"],
    summary: "The merchant buys tip points at the current price, paid from its prepaid balance",
    callers: ["merchant"],
    idempotent: true,
    ledger: true,
    body: request.merchantTipBuyRequest,
    status: 200,
    response: view.merchantTipBuyOutcomeSchema,
    errors: [...DECIMAL, "amount_not_positive", "amount_too_large", "zero_points", "prepaid_insufficient"],
  }),
  reconcileProviders: operation({
    operationId: "reconcileProviders",
    method: "POST",
    path: "/api/operator/provider-reconciliations",
    tags: ["operators"],
    summary: "Match each configured provider's statement of a local date with the ledger, line by line",
    description:
      "Default date: yesterday in the tenant's zone (the calendar runs it after each close). A date's result is replaced by a re-run.",
    callers: CALLER_GROUPS.finance,
    idempotent: true,
    body: request.providerReconciliationRequest,
    status: 200,
    response: view.providerReconciliationListSchema,
    errors: ["request_in_progress"],
  }),
  listProviderReconciliations: operation({
    operationId: "listProviderReconciliations",
    method: "GET",
    path: "/api/operator/provider-reconciliations",
    tags: ["operators"],
    summary: "The latest provider reconciliations, newest date first, each with its mismatches",
    callers: CALLER_GROUPS.financeReads,
    idempotent: false,
    status: 200,
    response: view.providerReconciliationListSchema,
    errors: [],
  }),
};
