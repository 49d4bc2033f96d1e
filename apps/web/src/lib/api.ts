/**
 * The client for the server's HTTP API (docs/API.md). Every state-changing call carries an
 * Idempotency-Key, passed in by the caller's submission (lib/submission.ts) so that a retry is the
 * same request; errors come back as ApiError with the server's code and field, which the UI
 * translates (i18n/rejections.ts).
 */
export type Role = "operator" | "merchant" | "member";

export interface User {
  id: string;
  tenant: string;
  username: string;
  role: Role;
  memberId: string | null;
  merchantId: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Split {
  productCost: string;
  distributionCost: string;
  platformProfit: string;
  poolContribution: string;
}

export interface Product {
  id: string;
  merchant: string;
  name: string;
  price: string;
  split: Split | null;
  active: boolean;
}

export interface Order {
  id: number;
  member: string;
  merchant: string;
  productId: string | null;
  quantity: number;
  amount: string;
  status: "created" | "paid" | "settled" | "refunded" | "cancelled";
  paidDay: number | null;
  settleDay: number | null;
  position: number | null;
  points: string | null;
  createdAt: string;
  payment?: { provider: string; paymentId: string };
}

/** A merchant's balances in the engine and its online orders by status (GET /api/merchant/settlement). */
export interface MerchantSettlement {
  merchant: string;
  name: string;
  settlement: string;
  points: string;
  shares: string;
  onlineOrders: Record<Order["status"], { count: number; total: string }>;
}

export interface Position {
  id: number;
  spend: string;
  points: string;
  locked: string;
  unlocked: string;
  soldGross: string;
  day: number;
  status: "open" | "exited" | "closed";
  closeReason: string | null;
  tipped: boolean;
  exitThreshold: string | null;
  value: string;
}

export interface Tier {
  minHealth: string;
  rate: string;
}

export interface MemberSummary {
  member: string;
  wallet: string;
  coins: string;
  health: string;
  shares: string;
  orders: number;
  releaseRate: string | null;
  tiers: Tier[] | null;
  price: string;
}

export interface Release {
  health: string;
  releaseRate: string | null;
  tiers: Tier[] | null;
  mode: string | null;
  positions: { id: number; locked: string; unlocked: string }[];
  projection: { day: number; locked: string }[];
}

export interface Withdrawal {
  id: number;
  member: string;
  amount: string;
  day: number;
  status: "pending" | "approved" | "rejected";
}

export type RulesJson = Record<string, unknown> & {
  split?: Split;
  release?: { mode?: string; tiers?: Tier[] } | null;
};

export interface RuleVersion {
  version: number;
  rules: RulesJson;
  seq: number;
  createdAt: string;
  createdBy: string;
}

export interface PricePoint {
  at: string;
  day: number;
  pool: string;
  supply: string;
  price: string;
}

export interface PublicView {
  tenant: string;
  day: number;
  listed: boolean;
  paused: boolean;
  pool: string;
  supply: string;
  price: string;
  rules: { version: number; rules: RulesJson };
  totals: {
    paidIn: Record<string, string>;
    paidOut: Record<string, string>;
    held: Record<string, string>;
  };
  counts: { members: number; positions: number };
  priceHistory: PricePoint[];
}

export interface Overview {
  day: number;
  paused: boolean;
  listed: boolean;
  pool: string;
  supply: string;
  price: string;
  accounts: Record<string, string>;
  coins: { imported: string; redeemed: string };
  counts: Record<string, number>;
}

export interface SellOutcome {
  ok: boolean;
  points: string;
  net: string;
  fee: string;
  exits?: number[];
}

export interface SellPreview {
  points: string;
  gross?: string;
  fee: string;
  net: string;
  exits?: number[];
}

export interface RowError {
  row: number;
  field?: string;
  code: string;
  reason: string;
}

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

export const api = {
  login: (tenant: string, username: string, password: string) =>
    post<{ token: string; user: User }>("/api/auth/login", { tenant, username, password }),
  register: (tenant: string, username: string, password: string, inviteCode?: string, key?: string) =>
    post<{ token: string; user: User }>(
      "/api/auth/register",
      { tenant, username, password, ...(inviteCode ? { inviteCode } : {}) },
      key,
    ),
  logout: () => post<void>("/api/auth/logout"),
  whoami: () => get<{ user: User }>("/api/auth/me"),

  publicView: (tenant?: string) => get<PublicView>(`/api/public${query({ tenant })}`),
  rules: () => get<{ current: RuleVersion; versions: RuleVersion[] }>("/api/rules"),
  saveRules: (rules: unknown, key?: string) => post<RuleVersion>("/api/rules", { rules }, key),

  merchants: (cursor?: string | null) =>
    get<Page<{ id: string; name: string }>>(`/api/merchants${page(cursor)}`),
  createMerchant: (body: { id: string; name: string; username: string; password: string }, key?: string) =>
    post<{ id: string; name: string }>("/api/merchants", body, key),
  products: (merchant?: string, cursor?: string | null) =>
    get<Page<Product>>(`/api/products${page(cursor, 100, { merchant })}`),
  createProduct: (body: { name: string; price: string; split?: Split | null }, key?: string) =>
    post<Product>("/api/products", body, key),
  updateProduct: (
    id: string,
    body: Partial<Pick<Product, "name" | "price" | "split" | "active">>,
    key?: string,
  ) => put<Product>(`/api/products/${encodeURIComponent(id)}`, body, key),

  createOrder: (productId: string, quantity: number, key?: string) =>
    post<Order>("/api/orders", { productId, quantity }, key),
  payOrder: (id: number, key?: string) => post<Order>(`/api/orders/${id}/pay`, undefined, key),
  refundOrder: (id: number, key?: string) => post<Order>(`/api/orders/${id}/refund`, undefined, key),
  orders: (cursor?: string | null, status?: string) =>
    get<Page<Order>>(`/api/orders${page(cursor, 100, { status })}`),
  merchantSettlement: () => get<MerchantSettlement>("/api/merchant/settlement"),
  sale: (body: { member: string; amount: string; productId?: string }, key?: string) =>
    post<{ ok: boolean; position: number; points: string; exits?: number[] }>("/api/sales", body, key),

  me: () => get<MemberSummary>("/api/me"),
  positions: (status?: string, cursor?: string | null) =>
    get<Page<Position>>(`/api/me/positions${page(cursor, 100, { status })}`),
  position: (id: number) => get<Position>(`/api/me/positions/${id}`),
  sellPreview: (id: number, points: string, key?: string) =>
    post<SellPreview>(`/api/me/positions/${id}/sell/preview`, { points }, key),
  sell: (id: number, points: string, key?: string) =>
    post<SellOutcome>(`/api/me/positions/${id}/sell`, { points }, key),
  payWithPoints: (id: number, body: { amount: string; merchant: string }, key?: string) =>
    post<{ ok: boolean; points: string; exits?: number[] }>(`/api/me/positions/${id}/pay`, body, key),
  release: () => get<Release>("/api/me/release"),
  myWithdrawals: (cursor?: string | null) => get<Page<Withdrawal>>(`/api/me/withdrawals${page(cursor)}`),
  requestWithdrawal: (amount: string, key?: string) =>
    post<Withdrawal>("/api/me/withdrawals", { amount }, key),

  overview: () => get<Overview>("/api/operator/overview"),
  members: (cursor?: string | null) =>
    get<
      Page<{
        id: string;
        inviter: string | null;
        wallet: string;
        coins: string;
        health: string;
        orders: number;
        positions: number;
      }>
    >(`/api/operator/members${page(cursor, 100)}`),
  financing: (body: { toPool?: string; toSubsidy?: string; label?: string }, key?: string) =>
    post<{ ok: boolean; exits?: number[] }>("/api/operator/financing", body, key),
  listing: (sharesPerPoint: string, key?: string) =>
    post<{ ok: boolean }>("/api/operator/listing", { sharesPerPoint }, key),
  importCoins: (csv: string, key?: string) =>
    post<{ imported: number; total: string }>("/api/operator/coins/import", { csv }, key),
  tipBuy: (body: { merchant: string; amount: string }, key?: string) =>
    post<{ ok: boolean; points: string }>("/api/operator/tips/buy", body, key),
  tip: (body: { merchant: string; member: string; points: string }, key?: string) =>
    post<{ ok: boolean; position: number }>("/api/operator/tips", body, key),
  withdrawals: (status?: string, cursor?: string | null) =>
    get<Page<Withdrawal>>(`/api/operator/withdrawals${page(cursor, 100, { status })}`),
  approveWithdrawal: (id: number, key?: string) =>
    post<Withdrawal>(`/api/operator/withdrawals/${id}/approve`, undefined, key),
  rejectWithdrawal: (id: number, key?: string) =>
    post<Withdrawal>(`/api/operator/withdrawals/${id}/reject`, undefined, key),
  pause: (paused: boolean, key?: string) => post<{ paused: boolean }>("/api/operator/pause", { paused }, key),
  closeDay: (days: number, key?: string) =>
    post<{ day: number; settledOrders: number }>("/api/operator/close-day", { days }, key),
  reconcile: (balance: string, key?: string) =>
    post<{
      balance: string;
      pool: string;
      wallets: string;
      withdrawalsPending: string;
      expected: string;
      difference: string;
    }>("/api/operator/reconciliation", { balance }, key),
  audit: (cursor?: string | null) =>
    get<
      Page<{
        seq: number;
        at: string;
        actor: string;
        role: string;
        action: string;
        target: string | null;
        detail: unknown;
      }>
    >(`/api/operator/audit${page(cursor, 100)}`),
};
