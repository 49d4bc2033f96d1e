import type { RuleSet, Split } from "./rules.js";

/** Commands the engine accepts, in exact form (money in fen, points in 1e-8, ratios in 1e-9). */
export type Command =
  | { type: "join"; member: string; inviter?: string }
  | {
      type: "order";
      member: string;
      amount: bigint;
      merchant?: string;
      split?: Split;
      /** "coins" spends legacy coins (rule 11); the default is cash. */
      payWith?: "cash" | "coins";
      /**
       * Optional hint, never journaled: the member's index (`Member.index`) when the caller knows it.
       * It only speeds up the lookup; a wrong hint is ignored.
       */
      memberHint?: number;
    }
  | {
      /** An online order paid: its cash is held while the refund window runs (rules refundWindowDays). */
      type: "orderPaid";
      /** The caller's order id, a positive integer, unique within the tenant. */
      order: number;
      member: string;
      amount: bigint;
      merchant?: string;
      split?: Split;
    }
  | { type: "orderRefund"; order: number }
  | { type: "sell"; member: string; position: number; points: bigint }
  | { type: "financing"; toPool: bigint; toSubsidy: bigint; label?: string; expect?: string }
  | { type: "advance"; days: number; expect?: string }
  | { type: "listing"; sharesPerPoint: bigint; expect?: string }
  /** funding "prepaid": paid from the merchant's prepaid balance (money already received), not in cash. */
  | { type: "tipBuy"; merchant: string; amount: bigint; funding?: "prepaid" }
  | { type: "tip"; merchant: string; member: string; points: bigint }
  | { type: "payWithPoints"; member: string; position: number; amount: bigint; merchant?: string }
  | { type: "coinImport"; rows: readonly CoinImportRow[] }
  /**
   * The single-member form journals written before `rows` hold (JSON `{type: "coinImport", member,
   * coins}`): it still replays exactly as it did, creating a missing member.
   */
  | { type: "coinImportLegacy"; member: string; coins: bigint }
  | { type: "withdraw"; member: string; amount: bigint }
  | { type: "withdrawApprove"; withdrawal: number; expect?: string }
  | { type: "withdrawReject"; withdrawal: number; expect?: string }
  /** The provider (or the operator, for a manual transfer) says an approved withdrawal arrived. */
  | { type: "withdrawPaid"; withdrawal: number }
  /** The payout of an approved withdrawal failed: its amount goes back to the member's wallet. */
  | { type: "withdrawReturn"; withdrawal: number }
  | { type: "rules"; rules: RuleSet; expect?: string }
  /** Money received for a merchant's prepaid balance (prepaid.ts). */
  | { type: "prepaidCredit"; merchant: string; amount: bigint }
  /** The operator's bounds on a merchant's splits, fractions in 1e-9. */
  | { type: "splitBounds"; merchant: string; maxPoolContribution: bigint; minPlatformProfit: bigint }
  /** A sale paid at the till: the parts the merchant owes the scheme come from its prepaid balance. */
  | { type: "tillSale"; member: string; amount: bigint; merchant: string; split?: Split }
  /** Voids a till sale (named by its position) the same day. */
  | { type: "tillSaleVoid"; merchant: string; position: number };

/**
 * Commands an operator previews first (preview.ts). Each may carry `expect`, the state digest the
 * preview answered (state-digest.ts): the engine refuses it with `preview_stale` when the state has
 * moved since, so what is applied is what was previewed.
 */
export type PreviewableCommand = Extract<Command, { expect?: string }>;

export type CommandType = Command["type"];

export interface CoinImportRow {
  member: string;
  /** fen */
  coins: bigint;
}
export type OrderCommand = Extract<Command, { type: "order" }>;
export type OrderPaidCommand = Extract<Command, { type: "orderPaid" }>;
export type PayWithPointsCommand = Extract<Command, { type: "payWithPoints" }>;

export const REJECTION_CODES = [
  "listed",
  "amount_not_positive",
  "unknown_member",
  "member_exists",
  "unknown_inviter",
  "self_invite",
  "unknown_position",
  "not_owner",
  "position_not_open",
  "insufficient_points",
  "points_locked",
  "insufficient_coins",
  "insufficient_funds",
  "insufficient_merchant_points",
  "health_too_low",
  "withdrawal_over_request_limit",
  "withdrawal_over_daily_limit",
  "unknown_withdrawal",
  "withdrawal_not_pending",
  "withdrawal_not_approved",
  "invalid_days",
  "zero_points",
  "amount_too_large",
  "unknown_order",
  "order_already_paid",
  "refund_window_passed",
  "order_not_refundable",
  "invalid_rows",
  "duplicate_member",
  "preview_stale",
  "prepaid_insufficient",
  "split_out_of_bounds",
  "unknown_sale",
  "sale_not_voidable",
] as const;

export type RejectionCode = (typeof REJECTION_CODES)[number];

export interface Rejection {
  code: RejectionCode;
  message: string;
  /** For `invalid_rows`: every refused row of a coinImport, in row order. */
  rows?: RowRejection[];
}

/** One refused row of a coinImport; `row` is its 0-based index in the command's rows. */
export interface RowRejection {
  row: number;
  field: "member" | "coins";
  code: "unknown_member" | "duplicate_member" | "amount_not_positive" | "amount_too_large";
  message: string;
}

/** What an accepted command did, for callers that show it (ids of positions created or exited, amounts). */
export interface Outcome {
  ok: true;
  /** Position opened by an order or tip. */
  position?: number;
  /** Points issued (order, tipBuy, tip) or sold/burned (sell, payWithPoints). */
  points?: bigint;
  /** Cash to the member's wallet (sell), or the subsidy paid (order). */
  net?: bigint;
  fee?: bigint;
  subsidy?: bigint;
  withdrawal?: number;
  /** Positions force-exited (or cashed out by a period reset) as a consequence, in order. */
  exits?: number[];
  /** True when this command triggered a period reset. */
  reset?: boolean;
  /** Online orders settled by this command (orderPaid with no refund window, advance), in order id order. */
  settled?: SettledOrder[];
  /** The merchant's prepaid balance after a prepaidCredit, tillSale or tillSaleVoid (fen). */
  prepaid?: bigint;
  /**
   * The cash this command split into the scheme's accounts (fen): an order's or till sale's, or the
   * sum over the online orders it settled. Reports sum these parts; no rule is recomputed outside.
   */
  split?: SplitParts;
  /** What a till sale's merchant owed the scheme, debited from its prepaid balance (fen). */
  owed?: bigint;
}

/**
 * Where an order's cash went (fen). An order paid in legacy coins credits only the pool; a till
 * sale's product cost stays with the merchant at the till, so its productCost is 0.
 */
export interface SplitParts {
  productCost: bigint;
  distributionCost: bigint;
  platformProfit: bigint;
  contribution: bigint;
}

/** An online order that became a rule-1 order: the position it opened and the points issued. */
export interface SettledOrder {
  order: number;
  position: number;
  points: bigint;
}

export type OnlineOrderStatus = "paid" | "settled" | "refunded";

/** An online order from payment to settlement or refund. */
export interface OnlineOrder {
  readonly order: number;
  readonly member: string;
  /** fen */
  readonly amount: bigint;
  readonly merchant: string | undefined;
  readonly split: Split | undefined;
  readonly paidDay: number;
  /** The day boundary at which it settles unless refunded first: paidDay + refundWindowDays. */
  readonly settleDay: number;
  status: OnlineOrderStatus;
  /** The position the settlement opened (0 until settled). */
  position: number;
  /** Points the settlement issued (0 until settled). */
  points: bigint;
}

export type Result = Outcome | { ok: false; rejection: Rejection };

export const POSITION_OPEN = 0;
export const POSITION_EXITED = 1;
export const POSITION_CLOSED = 2;
export type PositionStatus = typeof POSITION_OPEN | typeof POSITION_EXITED | typeof POSITION_CLOSED;
export const STATUS_NAMES = ["open", "exited", "closed"] as const;

export type CloseReason = "sold" | "exit" | "reset" | "listing" | "void";

export interface Member {
  readonly id: string;
  inviter: string | null;
  wallet: bigint;
  coins: bigint;
  /** Health value, scale 2. */
  health: bigint;
  orders: number;
  /** Shares received at listing (scale 8). */
  shares: bigint;
  /** Index in the engine's member list (positions refer to members by it). */
  readonly index: number;
  /** Id of the member's latest position (0 for none); earlier ones link back through the table. */
  lastPosition: number;
  /** Positions the member ever opened (the length of the list above), so a read need not walk it. */
  positionCount: number;
  /** Indices of positions that may still hold locked points (release rule); pruned lazily. */
  lockedPositions: number[];
  /** Withdrawals requested on `withdrawDay` and not rejected, for the daily limit. */
  withdrawDay: number;
  withdrawnToday: bigint;
}

export interface Merchant {
  readonly id: string;
  settlement: bigint;
  points: bigint;
  shares: bigint;
}

export interface Withdrawal {
  readonly id: number;
  readonly member: Member;
  readonly amount: bigint;
  readonly day: number;
  /** approved: the cash left the wallets and is on its way; paid or returned once the payout ends. */
  status: "pending" | "approved" | "rejected" | "paid" | "returned";
}

/** Every cash account of a tenant, in fen. Sources on the left, holdings on the right of the conservation law. */
export interface Accounts {
  /** Cash members paid for orders (amount less subsidy). */
  paidByMembers: bigint;
  financingIn: bigint;
  /** Cash the tenant paid into the pool for legacy-coin orders (its debt-settlement expense). */
  debtSettlement: bigint;
  /** Cash merchants paid to buy points for tips. */
  paidByMerchants: bigint;

  pool: bigint;
  wallets: bigint;
  withdrawalsPending: bigint;
  withdrawn: bigint;
  merchantSettlements: bigint;
  distribution: bigint;
  platformRevenue: bigint;
  subsidyBudget: bigint;
  /** The pool moved to the listed company's equity at listing. */
  equity: bigint;
  /** Cash of online orders paid and still inside their refund window. */
  ordersAwaitingSettlement: bigint;
  /** Cash of online orders paid back to their payers (refunded inside the window, or at listing). */
  ordersRefunded: bigint;
  /** Cash merchants paid into their prepaid balances (top-ups, recorded bank transfers). */
  prepaidIn: bigint;
  /** Prepaid cash not yet debited by till sales. */
  prepaidHeld: bigint;
}

export interface CoinAccounts {
  imported: bigint;
  redeemed: bigint;
}

/** A read-only copy of one merchant's balances, for callers outside the engine. */
export interface MerchantBalance {
  /** fen the engine has credited to the merchant */
  settlement: bigint;
  /** 1e-8 points bought for tips and not tipped yet */
  points: bigint;
  /** 1e-8 shares its points were converted to at listing */
  shares: bigint;
}

/** A read-only copy of one position, for callers outside the engine. */
export interface PositionView {
  id: number;
  member: string;
  /** fen */
  spend: bigint;
  /** 1e-8 points */
  points: bigint;
  locked: bigint;
  /** fen */
  soldGross: bigint;
  day: number;
  status: (typeof STATUS_NAMES)[number];
  closeReason: CloseReason | null;
  tipped: boolean;
}
