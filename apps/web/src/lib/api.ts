/**
 * The client for the server's HTTP API (docs/API.md). Every state-changing call carries an
 * Idempotency-Key, passed in by the caller's submission (lib/submission.ts) so that a retry is the
 * same request; errors come back as ApiError with the server's code and field, which the UI
 * translates (i18n/rejections.ts).
 */
import type {
  ActionPreview,
  AuditEntry,
  Calendar,
  StatementAccountName,
  StatementEntry,
  CloseDayOutcome,
  CoinImport,
  CreatedMerchant,
  CreateMerchantRequest,
  CreateProductRequest,
  CustodyStatement,
  CustodyStatementRequest,
  FinancingOutcome,
  LiabilityProof,
  FinancingRequest,
  MemberDetail,
  MemberSummary,
  MerchantSettlement,
  MerchantSummary,
  Ok,
  OperatorMember,
  Order,
  PasswordChanged,
  PasswordResetIssued,
  Overview,
  Page,
  PauseState,
  PayWithPointsOutcome,
  PayWithPointsRequest,
  Position,
  Product,
  PublicView,
  PreviewRuleChangeRequest,
  PublishRulesRequest,
  Reconciliation,
  RuleChangePreview,
  Release,
  Report,
  ReportUnit,
  RulesHistory,
  RuleVersion,
  Sale,
  SaleOutcome,
  SaleRequest,
  SaleVoidOutcome,
  PaymentCode,
  MerchantPrepaid,
  PrepaidTopUp,
  PrepaidTopUpItem,
  PrepaidTopUpList,
  PrepaidTopUpPayment,
  MerchantTipBuyOutcome,
  ProviderReconciliationList,
  PrepaidCreditRequest,
  SplitBoundsRequest,
  SellOutcome,
  SellPreview,
  Session,
  SessionList,
  SessionsRevoked,
  Split,
  Tier,
  TipBuyOutcome,
  TipBuyRequest,
  TipOutcome,
  TipRequest,
  UpdateMemberRequest,
  UpdateProductRequest,
  WhoAmI,
  SignInOptions,
  SignInSettings,
  WechatAuthorization,
  WechatSession,
  AccountSecurityView,
  PhoneCodeSent,
  Withdrawal,
  WithdrawalDecisionsOutcome,
  WithdrawalDecisionsRequest,
  PayoutAccountAnswer,
  SetPayoutAccountRequest,
} from "@zengzhi/contract";
import type {
  OrderPayment,
  OrderPaymentState,
  PaymentSettings,
  ProviderPaymentMethod,
  SetAlipaySettingsRequest,
  SetWechatPaySettingsRequest,
} from "@zengzhi/contract";
import type {
  CreatedWebhook,
  MemberMessage,
  MemberMessagePage,
  RegisterStaffRequest,
  StaffInvite,
  StaffList,
  StaffRole,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookEvent,
  WebhookList,
} from "@zengzhi/contract";

export type {
  OrderPayment,
  OrderPaymentState,
  PaymentSettings,
  ProviderPaymentMethod,
  SetAlipaySettingsRequest,
  SetWechatPaySettingsRequest,
};

export type {
  CreatedWebhook,
  MemberMessage,
  MemberMessagePage,
  StaffInvite,
  StaffList,
  StaffRole,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookEvent,
  WebhookList,
};

// The contract's types, which pages and components name through this module. Type-only: the contract
// package's schemas never reach the bundle.
export type {
  PrepaidTopUpItem,
  PrepaidTopUpPayment,
  ProviderReconciliationList,
  AccountSecurityView,
  SignInSettings,
  ActionPreview,
  Calendar,
  StatementAccountName,
  StatementEntry,
  CustodyStatement,
  MerchantPrepaid,
  PaymentCode,
  SaleOutcome,
  ErrorCode,
  LiabilityProof,
  LiabilityRoot,
  QueueMeterView,
  MemberDetail,
  MemberSummary,
  OperatorMember,
  MerchantSettlement,
  Order,
  OrderStatus,
  Page,
  PasswordResetIssued,
  Position,
  PricePoint,
  Product,
  PublicView,
  Release,
  Report,
  ReportRow,
  Sale,
  ReportUnit,
  Role,
  RowError,
  RuleChangePreview,
  PreviewCohort,
  PreviewSide,
  RuleVersion,
  SellPreview,
  SessionInfo,
  Split,
  Tier,
  User,
  Withdrawal,
} from "@zengzhi/contract";

/**
 * A rule set as the editor holds it: what POST /api/rules takes (any fields; missing ones take the
 * defaults), with the parts the form edits typed. The server's rule sets (RuleSet) fit it.
 */
export type RulesJson = PublishRulesRequest["rules"] & {
  split?: Split;
  release?: { mode?: string; tiers?: Tier[] } | null;
};

/** Fired on window when the server says the session is gone. */
export const SESSION_LOST_EVENT = "zengzhi:session-lost";

export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    readonly field: string | undefined,
    readonly reason: string,
    readonly body: unknown,
  ) {
    super(`${code}${field === undefined ? "" : ` (${field})`}: ${reason}`);
  }
}

/** A fresh Idempotency-Key: a random UUID where the browser has one. */
export function newIdempotencyKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

async function parseError(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // A body that is not JSON still gets a code from the status below.
  }
  const error = (
    body as { error?: { code?: string; field?: string; reason?: string; message?: string } } | null
  )?.error;
  const code = error?.code ?? (response.status === 404 ? "not_found" : `http_${response.status}`);
  return new ApiError(response.status, code, error?.field, error?.reason ?? error?.message ?? "", body);
}

interface RequestOptions {
  body?: unknown;
  /** The submission's key (reused when retrying the same action); a fresh one when left out. */
  idempotencyKey?: string | undefined;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const changes = method !== "GET" && !path.startsWith("/api/auth/log");
  if (changes) headers["idempotency-key"] = options.idempotencyKey ?? newIdempotencyKey();
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: options.body === undefined ? null : JSON.stringify(options.body),
    });
  } catch (error) {
    throw new ApiError(0, "network", undefined, String(error), null);
  }
  if (!response.ok) {
    const error = await parseError(response);
    // An expired or revoked session: tell the app, which forgets the user and shows the log-in page.
    if (error.code === "unauthenticated" && !path.startsWith("/api/auth/")) {
      window.dispatchEvent(new Event(SESSION_LOST_EVENT));
    }
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

const get = <T>(path: string) => request<T>("GET", path);
const post = <T>(path: string, body?: unknown, idempotencyKey?: string) =>
  request<T>("POST", path, body === undefined ? { idempotencyKey } : { body, idempotencyKey });
const put = <T>(path: string, body: unknown, idempotencyKey?: string) =>
  request<T>("PUT", path, { body, idempotencyKey });
const del = <T>(path: string, idempotencyKey?: string) => request<T>("DELETE", path, { idempotencyKey });

export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}

const page = (cursor?: string | null, limit = 50, extra: Record<string, string | undefined> = {}) =>
  query({ limit, cursor, ...extra });

type WechatScope = "snsapi_base" | "snsapi_userinfo";
interface SetSignInSettingsBody {
  domain?: string | null;
  official?: { appid: string; secret: string } | null;
  mini?: { appid: string; secret: string } | null;
}

export const api = {
  login: (tenant: string, username: string, password: string) =>
    post<Session>("/api/auth/login", { tenant, username, password }),
  register: (tenant: string, username: string, password: string, inviteCode?: string, key?: string) =>
    post<Session>(
      "/api/auth/register",
      { tenant, username, password, ...(inviteCode ? { inviteCode } : {}) },
      key,
    ),
  logout: () => post<void>("/api/auth/logout"),
  whoami: () => get<WhoAmI>("/api/auth/me"),
  changePassword: (currentPassword: string, newPassword: string, key?: string) =>
    post<PasswordChanged>("/api/auth/password", { currentPassword, newPassword }, key),
  sessions: () => get<SessionList>("/api/auth/sessions"),
  revokeSession: (id: string, key?: string) => del<void>(`/api/auth/sessions/${encodeURIComponent(id)}`, key),
  revokeOtherSessions: (key?: string) => del<SessionsRevoked>("/api/auth/sessions", key),
  signInOptions: (tenant?: string) => get<SignInOptions>(`/api/auth/sign-in-options${query({ tenant })}`),
  wechatAuthorize: (tenant: string, scope: WechatScope = "snsapi_base") =>
    post<WechatAuthorization>("/api/auth/wechat/authorize", { tenant, scope }),
  wechatLogin: (tenant: string, code: string, state: string) =>
    post<WechatSession>("/api/auth/wechat/login", { tenant, code, state }),
  accountSecurity: () => get<AccountSecurityView>("/api/account/security"),
  wechatLinkAuthorize: () => post<WechatAuthorization>("/api/account/wechat/authorize"),
  linkWechat: (code: string, state: string) =>
    post<AccountSecurityView>("/api/account/wechat", { code, state }),
  unlinkWechat: (key?: string) => del<AccountSecurityView>("/api/account/wechat", key),
  sendPhoneCode: (phone: string, key?: string) =>
    post<PhoneCodeSent>("/api/account/phone/code", { phone }, key),
  bindPhone: (phone: string, code: string) =>
    post<AccountSecurityView>("/api/account/phone", { phone, code }),
  unbindPhone: (key?: string) => del<AccountSecurityView>("/api/account/phone", key),
  signInSettings: () => get<SignInSettings>("/api/operator/sign-in-settings"),
  setSignInSettings: (body: SetSignInSettingsBody, key?: string) =>
    post<SignInSettings>("/api/operator/sign-in-settings", body, key),

  publicView: (tenant?: string) => get<PublicView>(`/api/public${query({ tenant })}`),
  rules: () => get<RulesHistory>("/api/rules"),
  saveRules: (rules: RulesJson, stateHash: string, key?: string) =>
    post<RuleVersion>("/api/rules", { rules, stateHash }, key),
  previewRuleChange: (body: PreviewRuleChangeRequest) => post<RuleChangePreview>("/api/rules/previews", body),
  ruleChangePreview: (id: string) => get<RuleChangePreview>(`/api/rules/previews/${encodeURIComponent(id)}`),

  merchants: (cursor?: string | null) => get<Page<MerchantSummary>>(`/api/merchants${page(cursor)}`),
  createMerchant: (body: CreateMerchantRequest, key?: string) =>
    post<CreatedMerchant>("/api/merchants", body, key),
  products: (merchant?: string, cursor?: string | null) =>
    get<Page<Product>>(`/api/products${page(cursor, 100, { merchant })}`),
  createProduct: (body: CreateProductRequest, key?: string) => post<Product>("/api/products", body, key),
  updateProduct: (id: string, body: UpdateProductRequest, key?: string) =>
    put<Product>(`/api/products/${encodeURIComponent(id)}`, body, key),

  createOrder: (productId: string, quantity: number, key?: string) =>
    post<Order>("/api/orders", { productId, quantity }, key),
  payOrder: (id: number, key?: string) => post<Order>(`/api/orders/${id}/pay`, undefined, key),
  refundOrder: (id: number, key?: string) => post<Order>(`/api/orders/${id}/refund`, undefined, key),
  // Paying through WeChat Pay / Alipay: what to do next, then the waiting page follows the payment.
  requestOrderPayment: (id: number, method: ProviderPaymentMethod, key?: string) =>
    post<OrderPayment>(`/api/orders/${id}/payment`, { method }, key),
  orderPayment: (id: number) => get<OrderPaymentState>(`/api/orders/${id}/payment`),
  paymentSettings: () => get<PaymentSettings>("/api/operator/payment-settings"),
  setWechatPaySettings: (body: SetWechatPaySettingsRequest, key?: string) =>
    post<PaymentSettings>("/api/operator/payment-settings/wechat", body, key),
  setAlipaySettings: (body: SetAlipaySettingsRequest, key?: string) =>
    post<PaymentSettings>("/api/operator/payment-settings/alipay", body, key),
  orders: (cursor?: string | null, status?: string) =>
    get<Page<Order>>(`/api/orders${page(cursor, 100, { status })}`),
  merchantSettlement: () => get<MerchantSettlement>("/api/merchant/settlement"),
  sale: (body: SaleRequest, key?: string) => post<SaleOutcome>("/api/sales", body, key),
  voidSale: (position: number, key?: string) =>
    post<SaleVoidOutcome>(`/api/sales/${position}/void`, undefined, key),
  merchantPrepaid: (merchant: string) =>
    get<MerchantPrepaid>(`/api/merchants/${encodeURIComponent(merchant)}/prepaid`),
  topUpPrepaid: (amount: string, key?: string) =>
    post<PrepaidTopUp>("/api/merchant/prepaid/top-ups", { amount }, key),
  // Task L: top-ups through the provider, the merchant's own tip buy, provider reconciliation.
  requestPrepaidTopUp: (body: { amount: string; method: "wechat_native" | "alipay_page" }, key?: string) =>
    post<PrepaidTopUpPayment>("/api/merchant/prepaid/top-up-payments", body, key),
  prepaidTopUp: (reference: string) =>
    get<PrepaidTopUpItem>(`/api/merchant/prepaid/top-up-payments/${encodeURIComponent(reference)}`),
  prepaidTopUps: () => get<PrepaidTopUpList>("/api/merchant/prepaid/top-up-payments"),
  buyOwnTipPoints: (amount: string, key?: string) =>
    post<MerchantTipBuyOutcome>("/api/merchant/tips/buy", { amount }, key),
  providerReconciliations: () => get<ProviderReconciliationList>("/api/operator/provider-reconciliations"),
  reconcileProviders: (date: string, key?: string) =>
    post<ProviderReconciliationList>(
      "/api/operator/provider-reconciliations",
      date === "" ? {} : { date },
      key,
    ),
  creditPrepaid: (merchant: string, body: PrepaidCreditRequest, key?: string) =>
    post<MerchantPrepaid>(`/api/merchants/${encodeURIComponent(merchant)}/prepaid/credits`, body, key),
  setSplitBounds: (merchant: string, body: SplitBoundsRequest, key?: string) =>
    put<MerchantPrepaid>(`/api/merchants/${encodeURIComponent(merchant)}/split-bounds`, body, key),
  paymentCode: (key?: string) => post<PaymentCode>("/api/me/payment-codes", undefined, key),

  me: () => get<MemberSummary>("/api/me"),
  liabilityProof: () => get<LiabilityProof>("/api/me/liability-proof"),
  positions: (status?: string, cursor?: string | null) =>
    get<Page<Position>>(`/api/me/positions${page(cursor, 100, { status })}`),
  position: (id: number) => get<Position>(`/api/me/positions/${id}`),
  sellPreview: (id: number, points: string, key?: string) =>
    post<SellPreview>(`/api/me/positions/${id}/sell/preview`, { points }, key),
  sell: (id: number, points: string, key?: string) =>
    post<SellOutcome>(`/api/me/positions/${id}/sell`, { points }, key),
  payWithPoints: (id: number, body: PayWithPointsRequest, key?: string) =>
    post<PayWithPointsOutcome>(`/api/me/positions/${id}/pay`, body, key),
  release: () => get<Release>("/api/me/release"),
  myStatement: (account: StatementAccountName, cursor?: string | null) =>
    get<Page<StatementEntry>>(`/api/me/statement${page(cursor, 50, { account })}`),
  merchantStatement: (account: StatementAccountName, cursor?: string | null) =>
    get<Page<StatementEntry>>(`/api/merchant/statement${page(cursor, 50, { account })}`),
  calendar: () => get<Calendar>("/api/operator/calendar"),
  setTimeZone: (timeZone: string, key?: string) =>
    post<Calendar>("/api/operator/calendar/time-zone", { timeZone }, key),
  myWithdrawals: (cursor?: string | null) => get<Page<Withdrawal>>(`/api/me/withdrawals${page(cursor)}`),
  requestWithdrawal: (amount: string, key?: string) =>
    post<Withdrawal>("/api/me/withdrawals", { amount }, key),

  overview: () => get<Overview>("/api/operator/overview"),
  members: (cursor?: string | null, q?: string) =>
    get<Page<OperatorMember>>(`/api/operator/members${page(cursor, 100, { q: q === "" ? undefined : q })}`),
  resetPassword: (body: { tenant: string; username: string; code: string; newPassword: string }) =>
    post<PasswordChanged>("/api/auth/password-reset", body),
  issuePasswordReset: (username: string, key?: string) =>
    post<PasswordResetIssued>(
      `/api/operator/users/${encodeURIComponent(username)}/password-reset`,
      undefined,
      key,
    ),
  sales: (cursor?: string | null) => get<Page<Sale>>(`/api/merchant/sales${page(cursor, 100)}`),
  member: (id: string) => get<MemberDetail>(`/api/operator/members/${encodeURIComponent(id)}`),
  updateMember: (id: string, body: UpdateMemberRequest, key?: string) =>
    put<OperatorMember>(`/api/operator/members/${encodeURIComponent(id)}`, body, key),
  financing: (body: FinancingRequest, key?: string) =>
    post<FinancingOutcome>("/api/operator/financing", body, key),
  listing: (sharesPerPoint: string, stateHash: string, key?: string) =>
    post<Ok>("/api/operator/listing", { sharesPerPoint, stateHash }, key),
  // Previews of operator actions (nothing is written): the answer's stateHash goes with the action.
  previewFinancing: (body: FinancingRequest) => post<ActionPreview>("/api/operator/previews/financing", body),
  previewListing: (sharesPerPoint: string) =>
    post<ActionPreview>("/api/operator/previews/listing", { sharesPerPoint }),
  previewCloseDay: (days: number) => post<ActionPreview>("/api/operator/previews/close-day", { days }),
  previewRules: (rules: RulesJson) => post<ActionPreview>("/api/operator/previews/rules", { rules }),
  previewWithdrawalDecisions: (body: WithdrawalDecisionsRequest) =>
    post<ActionPreview>("/api/operator/previews/withdrawals", body),
  decideWithdrawals: (body: WithdrawalDecisionsRequest, key?: string) =>
    post<WithdrawalDecisionsOutcome>("/api/operator/withdrawals/decisions", body, key),
  importCoins: (csv: string, key?: string) => post<CoinImport>("/api/operator/coins/import", { csv }, key),
  tipBuy: (body: TipBuyRequest, key?: string) => post<TipBuyOutcome>("/api/operator/tips/buy", body, key),
  tip: (body: TipRequest, key?: string) => post<TipOutcome>("/api/operator/tips", body, key),
  withdrawals: (status?: string, cursor?: string | null) =>
    get<Page<Withdrawal>>(`/api/operator/withdrawals${page(cursor, 100, { status })}`),
  approveWithdrawal: (id: number, key?: string) =>
    post<Withdrawal>(`/api/operator/withdrawals/${id}/approve`, undefined, key),
  rejectWithdrawal: (id: number, key?: string) =>
    post<Withdrawal>(`/api/operator/withdrawals/${id}/reject`, undefined, key),
  payoutAccount: () => get<PayoutAccountAnswer>("/api/me/payout-account"),
  setPayoutAccount: (body: SetPayoutAccountRequest, key?: string) =>
    put<PayoutAccountAnswer>("/api/me/payout-account", body, key),
  reconcilePayout: (id: number, key?: string) =>
    post<Withdrawal>(`/api/operator/withdrawals/${id}/payout/query`, undefined, key),
  markPayoutPaid: (id: number, reference: string, key?: string) =>
    post<Withdrawal>(`/api/operator/withdrawals/${id}/payout/paid`, { reference }, key),
  markPayoutFailed: (id: number, reason: string, key?: string) =>
    post<Withdrawal>(`/api/operator/withdrawals/${id}/payout/failed`, { reason }, key),
  pause: (paused: boolean, key?: string) => post<PauseState>("/api/operator/pause", { paused }, key),
  closeDay: (days: number, stateHash: string, key?: string) =>
    post<CloseDayOutcome>("/api/operator/close-day", { days, stateHash }, key),
  recordCustodyStatement: (body: CustodyStatementRequest, key?: string) =>
    post<CustodyStatement>("/api/operator/custody-statements", body, key),
  reconcile: (balance: string, key?: string) =>
    post<Reconciliation>("/api/operator/reconciliation", { balance }, key),
  report: (from: string, to: string, unit: ReportUnit) =>
    get<Report>(`/api/operator/reports?${new URLSearchParams({ from, to, unit }).toString()}`),
  audit: (cursor?: string | null) => get<Page<AuditEntry>>(`/api/operator/audit${page(cursor, 100)}`),

  // Staff, webhooks and members' messages (issue 13).
  staff: () => get<StaffList>("/api/staff"),
  inviteStaff: (role: StaffRole, key?: string) => post<StaffInvite>("/api/staff/invites", { role }, key),
  registerStaff: (body: RegisterStaffRequest, key?: string) => post<Session>("/api/auth/staff", body, key),
  revokeStaff: (id: string, key?: string) => del<void>(`/api/staff/${encodeURIComponent(id)}`, key),
  webhooks: () => get<WebhookList>("/api/operator/webhooks"),
  createWebhook: (url: string, events: WebhookEvent[], key?: string) =>
    post<CreatedWebhook>("/api/operator/webhooks", { url, events }, key),
  removeWebhook: (id: string, key?: string) =>
    del<void>(`/api/operator/webhooks/${encodeURIComponent(id)}`, key),
  webhookDeliveries: (cursor?: string | null) =>
    get<WebhookDeliveryPage>(`/api/operator/webhook-deliveries${page(cursor, 50)}`),
  redeliverWebhook: (id: string, key?: string) =>
    post<WebhookDelivery>(
      `/api/operator/webhook-deliveries/${encodeURIComponent(id)}/redeliver`,
      undefined,
      key,
    ),
  messages: (cursor?: string | null) => get<MemberMessagePage>(`/api/me/messages${page(cursor, 50)}`),
  markMessagesRead: (upTo: string, key?: string) =>
    post<{ unread: number }>("/api/me/messages/read", { upTo }, key),
};
