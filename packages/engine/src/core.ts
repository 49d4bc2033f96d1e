/**
 * The engine's core (internal: index.ts does not export it): RULES.md rules 1–12 plus the price floor and the period reset, as a pure,
 * deterministic state machine. `apply` validates a command completely before it changes anything,
 * so a rejected command leaves the state untouched.
 *
 * Prices are never rounded: the market price is the exact fraction pool / supply (fen per 1e-8
 * point), and every amount derived from it is floored once, in the pool's favour.
 */
import { MONEY_SCALE, POINT_SCALE, RATIO_SCALE, ceilDiv } from "./decimal.js";
import { ExitIndex } from "./exit-index.js";
import { ADVANCE_DAYS_MAX, AMOUNT_MAX, COIN_IMPORT_ROWS_MAX, COLUMN_MAX } from "./limits.js";
import { CLOSE_REASONS, FLAG_TIPPED, PositionTable } from "./positions.js";
import { PRICE_DECIMALS, type RuleSet, type Split } from "./rules.js";
import {
  type Accounts,
  type CoinImportRow,
  type RowRejection,
  type OnlineOrder,
  type OrderCommand,
  type OrderPaidCommand,
  type PayWithPointsCommand,
  type CoinAccounts,
  type Command,
  type Member,
  type Merchant,
  type MerchantBalance,
  type Outcome,
  POSITION_CLOSED,
  POSITION_EXITED,
  POSITION_OPEN,
  type PositionView,
  type Rejection,
  type RejectionCode,
  type Result,
  STATUS_NAMES,
  type Withdrawal,
} from "./types.js";

/** A price in 1e-8 yuan per point is `value / PRICE_DENOMINATOR` fen per 1e-8 point. */
export const PRICE_DENOMINATOR = (10n ** BigInt(PRICE_DECIMALS) * POINT_SCALE) / MONEY_SCALE;

export const DEFAULT_MERCHANT = "store";

type Rejected = { ok: false; rejection: Rejection };

const reject = (code: RejectionCode, message: string): Rejected => ({
  ok: false,
  rejection: { code, message },
});

const tooLarge = () => reject("amount_too_large", "the amount is larger than one command may move");

/** An amount divided by a split's four parts, in fen. */
export interface SplitParts {
  productCost: bigint;
  distributionCost: bigint;
  platformProfit: bigint;
  contribution: bigint;
}

/**
 * Divides an amount by a split: the three parts other than the pool are floored to the fen, the pool
 * takes the rest. Writes into `into` (the engine passes one reused object: the order path allocates
 * no result object) and returns it.
 */
export function splitAmount(amount: bigint, split: Split, into: SplitParts): SplitParts {
  into.productCost = (amount * split.productCost) / RATIO_SCALE;
  into.distributionCost = (amount * split.distributionCost) / RATIO_SCALE;
  into.platformProfit = (amount * split.platformProfit) / RATIO_SCALE;
  into.contribution = amount - into.productCost - into.distributionCost - into.platformProfit;
  return into;
}

export function emptyAccounts(): Accounts {
  return {
    paidByMembers: 0n,
    financingIn: 0n,
    debtSettlement: 0n,
    paidByMerchants: 0n,
    pool: 0n,
    wallets: 0n,
    withdrawalsPending: 0n,
    withdrawn: 0n,
    merchantSettlements: 0n,
    distribution: 0n,
    platformRevenue: 0n,
    subsidyBudget: 0n,
    equity: 0n,
    ordersAwaitingSettlement: 0n,
    ordersRefunded: 0n,
  };
}

export interface EngineOptions {
  /**
   * `exitSearch: "scan"` finds qualifying positions by scanning every position instead of the index:
   * far slower, kept as the reference the index is tested against.
   */
  exitSearch?: "index" | "scan";
  /** Runs checkInvariants after every apply and throws on a broken one (tests and debug runs). */
  debugInvariants?: boolean;
}

/** The mutable state and the rules that change it; reached only through `Engine` and internal.ts. */
export class EngineCore {
  rules: RuleSet;
  /** Days since the tenant started (advance events move it). */
  day = 0;
  /** Period number; a period reset starts the next one. */
  period = 0;
  supply = 0n;
  listed = false;
  readonly accounts: Accounts = emptyAccounts();
  readonly coins: CoinAccounts = { imported: 0n, redeemed: 0n };
  readonly members = new Map<string, Member>();
  /** Members by index (positions refer to their member by index). */
  readonly memberList: Member[] = [];
  readonly merchants = new Map<string, Merchant>();
  private lastMerchant: Merchant | null = null;
  /** Scratch for splitAmount, reused by every order. */
  private readonly parts: SplitParts = {
    productCost: 0n,
    distributionCost: 0n,
    platformProfit: 0n,
    contribution: 0n,
  };
  /** Every position ever opened, as columns (id = index + 1). */
  readonly table = new PositionTable();
  readonly withdrawals: Withdrawal[] = [];
  /** Online orders by the caller's order id. */
  readonly onlineOrders = new Map<number, OnlineOrder>();
  /** Online orders that were inside their refund window when last looked at (refunded ones are skipped). */
  awaiting: OnlineOrder[] = [];
  /** Open positions that hold points and can exit, by threshold price. */
  readonly exitIndex: ExitIndex;

  constructor(
    rules: RuleSet,
    private readonly options: EngineOptions = {},
  ) {
    this.rules = rules;
    this.exitIndex = new ExitIndex({
      version: (i) => this.table.version[i]!,
      compare: (i, j) => this.compareThresholds(i, j),
    });
  }

  get pool(): bigint {
    return this.accounts.pool;
  }

  apply(command: Command): Result {
    if (this.listed) return reject("listed", "the scheme has listed; no event is accepted afterwards");
    switch (command.type) {
      case "order":
        return this.order(command);
      case "orderPaid":
        return this.orderPaid(command);
      case "orderRefund":
        return this.orderRefund(command.order);
      case "sell":
        return this.sell(command.member, command.position, command.points);
      case "join":
        return this.join(command.member, command.inviter);
      case "financing":
        return this.financing(command.toPool, command.toSubsidy);
      case "advance":
        return this.advance(command.days);
      case "listing":
        return this.listing(command.sharesPerPoint);
      case "tipBuy":
        return this.tipBuy(command.merchant, command.amount);
      case "tip":
        return this.tip(command.merchant, command.member, command.points);
      case "payWithPoints":
        return this.payWithPoints(command);
      case "coinImport":
        return this.coinImport(command.rows);
      case "coinImportLegacy":
        return this.coinImportLegacy(command.member, command.coins);
      case "withdraw":
        return this.withdraw(command.member, command.amount);
      case "withdrawApprove":
        return this.decideWithdrawal(command.withdrawal, true);
      case "withdrawReject":
        return this.decideWithdrawal(command.withdrawal, false);
      case "rules":
        return this.changeRules(command.rules);
    }
  }

  // ---------------------------------------------------------------- reading

  /** Number of positions ever opened; ids run from 1 to positionCount. */
  get positionCount(): number {
    return this.table.length;
  }

  /** A read-only copy of one position (locked points as of today, computed without writing), or undefined. */
  position(id: number): PositionView | undefined {
    if (!Number.isSafeInteger(id) || id < 1 || id > this.table.length) return undefined;
    const i = id - 1;
    const t = this.table;
    return {
      id,
      member: this.memberList[t.member[i]!]!.id,
      spend: t.spend[i]!,
      points: t.points[i]!,
      locked: t.status[i] === POSITION_OPEN ? this.lockedNow(i) : t.locked[i]!,
      soldGross: t.soldGross[i]!,
      day: t.day[i]!,
      status: STATUS_NAMES[t.status[i]!]!,
      closeReason: CLOSE_REASONS[t.closeReason[i]!]!,
      tipped: (t.flags[i]! & FLAG_TIPPED) !== 0,
    };
  }

  /** Ids of a member's positions, oldest first. */
  memberPositions(memberId: string): number[] {
    const ids: number[] = [];
    const previous = this.table.previousOfMember;
    for (let id = this.members.get(memberId)?.lastPosition ?? 0; id !== 0; id = previous[id - 1]!)
      ids.push(id);
    return ids.reverse();
  }

  /**
   * A read-only copy of a merchant's balances, or undefined for a merchant no event has named yet.
   * Readers use this, never `merchant(id)`, which adds a missing merchant to the state.
   */
  merchantBalance(id: string): MerchantBalance | undefined {
    const merchant = this.merchants.get(id);
    if (merchant === undefined) return undefined;
    return { settlement: merchant.settlement, points: merchant.points, shares: merchant.shares };
  }

  /**
   * The price (1e-8 yuan per point, rounded up) at which an open position force-exits, or null for
   * positions that never do (tipped, closed, or without points).
   */
  exitThreshold(id: number): bigint | null {
    const i = id - 1;
    if (!this.indexable(i)) return null;
    const need = this.need(i);
    if (need <= 0n) return 0n;
    return ceilDiv(need * PRICE_DENOMINATOR, RATIO_SCALE * this.table.points[i]!);
  }

  // ---------------------------------------------------------------- prices

  /** The market price as a fraction [numerator fen, denominator 1e-8 points]; initialPrice while supply is 0. */
  price(): [bigint, bigint] {
    return this.supply === 0n
      ? [this.rules.initialPrice, PRICE_DENOMINATOR]
      : [this.accounts.pool, this.supply];
  }

  /** The market price in 1e-8 yuan per point, rounded down (for display). */
  priceUnits(): bigint {
    const [n, d] = this.price();
    return (n * PRICE_DENOMINATOR) / d;
  }

  /** Points issued for a pool contribution: issueRatio(day) × contribution at max(price, minPrice), floored. */
  private issue(contribution: bigint): bigint {
    return this.issueAt(contribution, this.accounts.pool, this.supply);
  }

  /** `issue` at the price pool / supply (initialPrice while supply is 0), for prices not yet in the state. */
  private issueAt(contribution: bigint, pool: bigint, supply: bigint): bigint {
    let n: bigint;
    let d: bigint;
    if (supply === 0n) {
      n = this.rules.initialPrice;
      d = PRICE_DENOMINATOR;
    } else {
      n = pool;
      d = supply;
    }
    const floor = this.rules.minPrice;
    if (floor > 0n && n * PRICE_DENOMINATOR < floor * d) {
      n = floor;
      d = PRICE_DENOMINATOR;
    }
    const period = this.rules.halvingPeriodDays;
    const divisor = RATIO_SCALE * n;
    // Rule 8: issueRatio(day) = issueRatio × 0.5^floor(day / halvingPeriodDays).
    const halved = period === null ? divisor : divisor << BigInt(Math.floor(this.day / period));
    return (this.rules.issueRatio * contribution * d) / halved;
  }

  // ---------------------------------------------------------------- rule 1: order

  private order(command: OrderCommand): Result {
    const { member: memberId, amount, merchant: merchantId = DEFAULT_MERCHANT } = command;
    const split: Split = command.split ?? this.rules.split;
    if (amount <= 0n) return reject("amount_not_positive", "the order amount must be greater than 0");
    if (amount > AMOUNT_MAX) return tooLarge();
    let member = this.memberByHint(memberId, command.memberHint);
    const coins = command.payWith === "coins";
    if (coins && (member === undefined || member.coins < amount)) {
      return reject(
        "insufficient_coins",
        `member ${memberId} holds fewer legacy coins than the order amount`,
      );
    }
    const { productCost, distributionCost, platformProfit, contribution } = splitAmount(
      amount,
      split,
      this.parts,
    );
    const issued = this.issue(contribution);
    if (issued > COLUMN_MAX) return tooLarge();

    if (member === undefined) member = this.addMember(memberId, null);
    const first = member.orders === 0;
    const accounts = this.accounts;
    let subsidy = 0n;
    if (coins) {
      // Rule 11: coins pay the order; the tenant's debt-settlement account funds the pool part.
      member.coins -= amount;
      this.coins.redeemed += amount;
      accounts.debtSettlement += contribution;
    } else {
      if (first && this.rules.subsidyRate > 0n) {
        subsidy = (amount * this.rules.subsidyRate) / RATIO_SCALE;
        if (subsidy > accounts.subsidyBudget) subsidy = accounts.subsidyBudget;
        accounts.subsidyBudget -= subsidy;
      }
      accounts.paidByMembers += subsidy === 0n ? amount : amount - subsidy;
      this.merchant(merchantId).settlement += productCost;
      accounts.merchantSettlements += productCost;
      accounts.distribution += distributionCost;
      accounts.platformRevenue += platformProfit;
    }
    accounts.pool += contribution;
    this.supply += issued;
    member.orders++;
    const id = this.openPosition(member, amount, issued, 0);

    if (first && member.inviter !== null && this.rules.healthPerReferral > 0n) {
      this.raiseHealth(this.members.get(member.inviter)!, this.rules.healthPerReferral);
    }
    if (this.rules.healthPerYuan > 0n)
      this.raiseHealth(member, (this.rules.healthPerYuan * amount) / RATIO_SCALE);
    const outcome: Outcome = { ok: true, position: id, points: issued };
    if (subsidy > 0n) outcome.subsidy = subsidy;
    return this.settle(outcome);
  }

  // ---------------------------------------------------------------- rule 2: sell

  private sell(memberId: string, positionId: number, amount: bigint): Result {
    const i = this.sellable(memberId, positionId, amount, true);
    if (typeof i !== "number") return i;
    const { net, fee } = this.sellPoints(i, amount, this.rules.sellFee);
    if (this.table.points[i] === 0n) this.close(i, POSITION_CLOSED, 1);
    else this.reindex(i);
    return this.settle({ ok: true, points: amount, net, fee });
  }

  /**
   * What selling would pay now, without changing anything: the same checks and arithmetic as a sell
   * (the forced exits the sale might trigger are not run). For showing fee and net before confirming.
   */
  previewSell(memberId: string, positionId: number, amount: bigint): Result {
    if (this.listed) return reject("listed", "the scheme has listed; no event is accepted afterwards");
    const i = this.sellable(memberId, positionId, amount, false);
    if (typeof i !== "number") return i;
    const { gross, net } = this.proceeds(amount, this.rules.sellFee);
    return { ok: true, points: amount, net, fee: gross - net };
  }

  /**
   * The checks of rule 2: an own open position, a positive amount, released points only. `write`
   * brings the position's lazy release up to date in the table (a sell); a preview only computes it.
   */
  private sellable(memberId: string, positionId: number, amount: bigint, write: boolean): number | Rejected {
    const i = this.ownedOpenPosition(memberId, positionId);
    if (typeof i !== "number") return i;
    const t = this.table;
    if (amount <= 0n) return reject("amount_not_positive", "the points to sell must be greater than 0");
    if (amount > t.points[i]!) {
      return reject("insufficient_points", `position ${positionId} holds fewer points than that`);
    }
    let locked: bigint;
    if (write) {
      this.releaseUpToToday(i);
      locked = t.locked[i]!;
    } else locked = this.lockedNow(i);
    if (amount > t.points[i]! - locked) {
      return reject(
        "points_locked",
        `position ${positionId} has locked points; only released points can be sold`,
      );
    }
    return i;
  }

  /** Rule 2's arithmetic: gross = n × price (floored to the fen), net = (1 − fee) × n × price floored. */
  private proceeds(n: bigint, feeRate: bigint): { gross: bigint; net: bigint } {
    const grossScaled = n * this.accounts.pool; // fen × supply
    return {
      gross: grossScaled / this.supply,
      net: (grossScaled * (RATIO_SCALE - feeRate)) / (this.supply * RATIO_SCALE),
    };
  }

  /** Sells n points of position i: the fee stays in the pool, net goes to the member's wallet. */
  private sellPoints(i: number, n: bigint, feeRate: bigint): { net: bigint; fee: bigint } {
    const t = this.table;
    const { gross, net } = this.proceeds(n, feeRate);
    this.accounts.pool -= net;
    this.accounts.wallets += net;
    this.memberList[t.member[i]!]!.wallet += net;
    this.supply -= n;
    const left = t.points[i]! - n;
    t.points[i] = left;
    if (t.locked[i]! > left) t.locked[i] = left;
    t.soldGross[i] = t.soldGross[i]! + gross;
    return { net, fee: gross - net };
  }

  // ---------------------------------------------------------------- rule 3: forced exits

  private need(i: number): bigint {
    const target = this.rules.exitMultiple * this.table.spend[i]!;
    const sold = this.table.soldGross[i]!;
    return sold === 0n ? target : target - sold * RATIO_SCALE;
  }

  /** need / points as a float, for the exit index's first comparison (exact ties are settled in bigint). */
  private approxKey(i: number): number {
    const t = this.table;
    const sold = t.soldGross[i]!;
    // A position that never sold needs exitMultiple × spend: two floats, no bigint product.
    const need = sold === 0n ? Number(this.rules.exitMultiple) * Number(t.spend[i]!) : Number(this.need(i));
    return need / Number(t.points[i]!);
  }

  /** Compares threshold prices need/points of two positions exactly; ties go to the older one. */
  private compareThresholds(i: number, j: number): number {
    const left = this.need(i) * this.table.points[j]!;
    const right = this.need(j) * this.table.points[i]!;
    if (left !== right) return left < right ? -1 : 1;
    return i - j;
  }

  private indexable(i: number): boolean {
    const t = this.table;
    return (
      i >= 0 &&
      i < t.length &&
      t.status[i] === POSITION_OPEN &&
      (t.flags[i]! & FLAG_TIPPED) === 0 &&
      t.points[i]! > 0n
    );
  }

  /** Exits every qualifying position, lowest threshold first, until none qualifies. */
  private runExits(outcome: Outcome): void {
    if (this.options.exitSearch === "scan") return this.runExitsByScan(outcome);
    const index = this.exitIndex;
    const t = this.table;
    for (;;) {
      const i = index.peek();
      if (i < 0) return;
      const pool = this.accounts.pool;
      // Qualifies when need / (RATIO_SCALE × points) <= pool / supply. A cheap float test first.
      const priceApprox = (Number(pool) / Number(this.supply)) * 1e9;
      if (index.topApprox() > priceApprox * (1 + 1e-9)) return;
      if (this.need(i) * this.supply > RATIO_SCALE * t.points[i]! * pool) return;
      index.pop();
      t.version[i]!++;
      this.sellPoints(i, t.points[i]!, this.rules.exitFeeApplies ? this.rules.sellFee : 0n);
      this.close(i, POSITION_EXITED, 2, false);
      (outcome.exits ??= []).push(i + 1);
    }
  }

  /** The reference cascade: repeatedly scan all positions for the qualifying one with the lowest threshold. */
  private runExitsByScan(outcome: Outcome): void {
    const t = this.table;
    for (;;) {
      let best = -1;
      for (let i = 0; i < t.length; i++) {
        if (!this.indexable(i)) continue;
        if (this.need(i) * this.supply > RATIO_SCALE * t.points[i]! * this.accounts.pool) continue;
        if (best < 0 || this.compareThresholds(i, best) < 0) best = i;
      }
      if (best < 0) return;
      this.sellPoints(best, t.points[best]!, this.rules.exitFeeApplies ? this.rules.sellFee : 0n);
      this.close(best, POSITION_EXITED, 2);
      (outcome.exits ??= []).push(best + 1);
    }
  }

  /** After a command that can raise the price: forced exits, then the period-reset check. */
  private settle(outcome: Outcome): Outcome {
    this.runExits(outcome);
    const ceiling = this.rules.priceCeiling;
    if (
      ceiling !== null &&
      this.supply > 0n &&
      this.accounts.pool * PRICE_DENOMINATOR >= ceiling * this.supply
    ) {
      this.periodReset(outcome);
    }
    return outcome;
  }

  /** Period reset: every open position and merchant balance is cashed out at the current price, no fee. */
  private periodReset(outcome: Outcome): void {
    const t = this.table;
    const pool = this.accounts.pool;
    const supply = this.supply;
    let paid = 0n;
    for (let i = 0; i < t.length; i++) {
      if (t.status[i] !== POSITION_OPEN) continue;
      const points = t.points[i]!;
      if (points > 0n) {
        const net = (points * pool) / supply;
        t.soldGross[i] = t.soldGross[i]! + net;
        this.memberList[t.member[i]!]!.wallet += net;
        this.accounts.wallets += net;
        paid += net;
        t.points[i] = 0n;
        t.locked[i] = 0n;
      }
      this.close(i, POSITION_EXITED, 3, false);
      (outcome.exits ??= []).push(i + 1);
    }
    for (const merchant of this.merchants.values()) {
      if (merchant.points === 0n) continue;
      const net = (merchant.points * pool) / supply;
      merchant.settlement += net;
      this.accounts.merchantSettlements += net;
      paid += net;
      merchant.points = 0n;
    }
    this.accounts.pool = pool - paid;
    this.supply = 0n;
    this.period++;
    this.exitIndex.clear();
    outcome.reset = true;
  }

  // ---------------------------------------------------------------- rule 4: financing

  private financing(toPool: bigint, toSubsidy: bigint): Result {
    if (toPool < 0n || toSubsidy < 0n || toPool + toSubsidy === 0n) {
      return reject(
        "amount_not_positive",
        "financing must bring a positive amount, and neither part may be negative",
      );
    }
    if (toPool > AMOUNT_MAX || toSubsidy > AMOUNT_MAX) return tooLarge();
    this.accounts.financingIn += toPool + toSubsidy;
    this.accounts.pool += toPool;
    this.accounts.subsidyBudget += toSubsidy;
    return this.settle({ ok: true });
  }

  // ---------------------------------------------------------------- rule 5: listing

  private listing(sharesPerPoint: bigint): Result {
    if (sharesPerPoint <= 0n) return reject("amount_not_positive", "sharesPerPoint must be greater than 0");
    const t = this.table;
    for (let i = 0; i < t.length; i++) {
      if (t.status[i] !== POSITION_OPEN) continue;
      this.memberList[t.member[i]!]!.shares += (t.points[i]! * sharesPerPoint) / RATIO_SCALE;
      t.points[i] = 0n;
      t.locked[i] = 0n;
      this.close(i, POSITION_CLOSED, 4, false);
    }
    for (const merchant of this.merchants.values()) {
      merchant.shares += (merchant.points * sharesPerPoint) / RATIO_SCALE;
      merchant.points = 0n;
    }
    this.accounts.equity += this.accounts.pool;
    this.accounts.pool = 0n;
    this.supply = 0n;
    this.listed = true;
    // No command follows listing: online orders still inside their window are paid back.
    for (const order of this.awaiting) if (order.status === "paid") this.refundOnline(order);
    this.awaiting = [];
    this.exitIndex.clear();
    return { ok: true };
  }

  // ---------------------------------------------------------------- rule 6: daily release

  private advance(days: number): Result {
    if (!Number.isSafeInteger(days) || days < 1 || days > ADVANCE_DAYS_MAX) {
      return reject("invalid_days", `advance takes a whole number of days from 1 to ${ADVANCE_DAYS_MAX}`);
    }
    // Release is lazy: a position's locked points are brought up to date when it is read or sold, or
    // when its member's tier changes, so a day boundary costs nothing here.
    const target = this.day + days;
    const outcome: Outcome = { ok: true };
    if (this.awaiting.length > 0) this.settleDue(target, outcome);
    this.day = target;
    return outcome;
  }

  // ---------------------------------------------------------------- online orders (refund window)

  private orderPaid(command: OrderPaidCommand): Result {
    const { order: id, amount } = command;
    if (!Number.isSafeInteger(id) || id < 1)
      return reject("unknown_order", "order ids are positive integers");
    if (this.onlineOrders.has(id)) return reject("order_already_paid", `order ${id} was already paid`);
    if (amount <= 0n) return reject("amount_not_positive", "the order amount must be greater than 0");
    if (amount > AMOUNT_MAX) return tooLarge();
    const window = this.rules.refundWindowDays;
    const order: OnlineOrder = {
      order: id,
      member: command.member,
      amount,
      merchant: command.merchant,
      split: command.split,
      paidDay: this.day,
      settleDay: this.day + window,
      status: "paid",
      position: 0,
      points: 0n,
    };
    this.onlineOrders.set(id, order);
    this.accounts.paidByMembers += amount;
    this.accounts.ordersAwaitingSettlement += amount;
    const outcome: Outcome = { ok: true };
    if (window === 0) this.settleOnline(order, outcome);
    else this.awaiting.push(order);
    return outcome;
  }

  private orderRefund(id: number): Result {
    const order = this.onlineOrders.get(id);
    if (order === undefined) return reject("unknown_order", `there is no online order ${id}`);
    if (order.status === "settled") {
      return reject("refund_window_passed", `order ${id} waited out its refund window and was settled`);
    }
    if (order.status === "refunded")
      return reject("order_not_refundable", `order ${id} was already refunded`);
    this.refundOnline(order);
    return { ok: true };
  }

  private refundOnline(order: OnlineOrder): void {
    order.status = "refunded";
    this.accounts.ordersAwaitingSettlement -= order.amount;
    this.accounts.ordersRefunded += order.amount;
  }

  /**
   * Settles every waiting order whose settle day is at most `target`: boundary by boundary (the clock
   * stands at each settle day while its orders settle), and within a boundary in order id order.
   */
  private settleDue(target: number, outcome: Outcome): void {
    const due = this.awaiting.filter((o) => o.settleDay <= target && o.status === "paid");
    this.awaiting = this.awaiting.filter((o) => o.settleDay > target && o.status === "paid");
    due.sort((x, y) => x.settleDay - y.settleDay || x.order - y.order);
    for (const order of due) {
      this.day = order.settleDay;
      this.settleOnline(order, outcome);
    }
  }

  /**
   * An online order becomes a rule-1 order: its held cash pays it. The member paid the whole amount up
   * front, so a first-order subsidy (rule 4) is credited to the member's wallet.
   */
  private settleOnline(order: OnlineOrder, outcome: Outcome): void {
    const a = this.accounts;
    const command: OrderCommand = { type: "order", member: order.member, amount: order.amount };
    if (order.merchant !== undefined) command.merchant = order.merchant;
    if (order.split !== undefined) command.split = order.split;
    a.ordersAwaitingSettlement -= order.amount;
    a.paidByMembers -= order.amount;
    const result = this.order(command);
    if (!result.ok) {
      // Only amount_too_large can refuse it here (points beyond a position's 64 bits at this price):
      // the payment goes back rather than wait forever.
      a.paidByMembers += order.amount;
      a.ordersAwaitingSettlement += order.amount;
      this.refundOnline(order);
      return;
    }
    if (result.subsidy !== undefined) {
      this.members.get(order.member)!.wallet += result.subsidy;
      a.wallets += result.subsidy;
      a.paidByMembers += result.subsidy;
    }
    order.status = "settled";
    order.position = result.position!;
    order.points = result.points!;
    (outcome.settled ??= []).push({ order: order.order, position: order.position, points: order.points });
    if (result.exits !== undefined) (outcome.exits ??= []).push(...result.exits);
    if (result.reset === true) outcome.reset = true;
  }

  /** The share of locked points a member's positions release per day now (null while release is off). */
  releaseRate(memberId: string): bigint | null {
    const member = this.members.get(memberId);
    return this.rules.release === null || member === undefined ? null : this.tierRate(member);
  }

  private tierRate(member: Member): bigint {
    const tiers = this.rules.release!.tiers;
    let rate = tiers[0]!.rate;
    for (const tier of tiers) if (member.health >= tier.minHealth) rate = tier.rate;
    return rate;
  }

  /**
   * Applies the days of release position i has not seen yet, at its member's current tier. Released
   * amounts are rounded up: release moves no cash, and rounding up lets every lock run out.
   */
  private releaseUpToToday(i: number): void {
    const t = this.table;
    const days = this.day - t.lockDay[i]!;
    if (days <= 0 || t.locked[i] === 0n) return;
    t.lockDay[i] = this.day;
    t.locked[i] = this.lockedAfter(i, days);
  }

  /** Position i's locked points after `days` more days of release at its member's current tier. */
  private lockedAfter(i: number, days: number): bigint {
    const t = this.table;
    let locked = t.locked[i]!;
    const release = this.rules.release;
    if (release === null) return 0n;
    const rate = this.tierRate(this.memberList[t.member[i]!]!);
    if (release.mode === "percentOfOriginal") {
      const total = ceilDiv(t.lockedOriginal[i]! * rate, RATIO_SCALE) * BigInt(days);
      return total >= locked ? 0n : locked - total;
    }
    for (let d = 0; d < days && locked > 0n; d++) locked -= ceilDiv(locked * rate, RATIO_SCALE);
    return locked;
  }

  /** Position i's locked points today, computed without writing (the table holds them as of lockDay). */
  lockedNow(i: number): bigint {
    const t = this.table;
    const days = this.day - t.lockDay[i]!;
    if (days <= 0 || t.locked[i] === 0n) return t.locked[i]!;
    return this.lockedAfter(i, days);
  }

  /**
   * The release schedule of a position: its locked points after each of the given numbers of days
   * from today, if its member's health tier stays as it is. Changes nothing: release from lockDay
   * over elapsed + d days equals release to today followed by d days (the tier is fixed meanwhile,
   * since a tier change brings release up to date first).
   */
  releaseSchedule(id: number, days: readonly number[]): bigint[] {
    if (!Number.isSafeInteger(id) || id < 1 || id > this.table.length) return days.map(() => 0n);
    const i = id - 1;
    const t = this.table;
    if (t.status[i] !== POSITION_OPEN) return days.map(() => 0n);
    const elapsed = Math.max(0, this.day - t.lockDay[i]!);
    return days.map((d) => {
      const total = elapsed + Math.max(0, d);
      return total === 0 || t.locked[i] === 0n ? t.locked[i]! : this.lockedAfter(i, total);
    });
  }

  /** Brings every locked position of a member up to date (before its tier changes). */
  private releaseMember(member: Member): void {
    if (member.lockedPositions.length === 0) return;
    const still: number[] = [];
    for (const i of member.lockedPositions) {
      if (this.table.status[i] !== POSITION_OPEN) continue;
      this.releaseUpToToday(i);
      if (this.table.locked[i]! > 0n) still.push(i);
    }
    member.lockedPositions = still;
  }

  /** Brings every position's release up to date (for reading the whole state). */
  releaseAll(): void {
    if (this.rules.release === null) return;
    for (const member of this.memberList) this.releaseMember(member);
  }

  // ---------------------------------------------------------------- rule 7: health value

  private raiseHealth(member: Member, by: bigint): void {
    if (by === 0n) return;
    if (this.rules.release !== null) this.releaseMember(member);
    member.health += by;
  }

  private join(memberId: string, inviterId: string | undefined): Result {
    if (this.members.has(memberId)) return reject("member_exists", `member ${memberId} already exists`);
    if (inviterId !== undefined) {
      if (inviterId === memberId) return reject("self_invite", "a member cannot invite itself");
      if (!this.members.has(inviterId))
        return reject("unknown_inviter", `inviter ${inviterId} is not a member`);
    }
    this.addMember(memberId, inviterId ?? null);
    return { ok: true };
  }

  // ---------------------------------------------------------------- rule 9: merchant tips

  private tipBuy(merchantId: string, amount: bigint): Result {
    if (amount <= 0n) return reject("amount_not_positive", "the amount must be greater than 0");
    if (amount > AMOUNT_MAX) return tooLarge();
    const [pn, pd] = this.price();
    const bought = (amount * pd) / pn;
    if (bought === 0n) return reject("zero_points", "the amount buys no points at the current price");
    if (bought > COLUMN_MAX) return tooLarge();
    const merchant = this.merchant(merchantId);
    this.accounts.paidByMerchants += amount;
    this.accounts.pool += amount;
    this.supply += bought;
    merchant.points += bought;
    return this.settle({ ok: true, points: bought });
  }

  private tip(merchantId: string, memberId: string, amount: bigint): Result {
    if (amount <= 0n) return reject("amount_not_positive", "the points to tip must be greater than 0");
    if (amount > COLUMN_MAX) return tooLarge();
    const merchant = this.merchants.get(merchantId);
    if (merchant === undefined || merchant.points < amount) {
      return reject("insufficient_merchant_points", `merchant ${merchantId} holds fewer points than the tip`);
    }
    const member = this.members.get(memberId);
    if (member === undefined) return reject("unknown_member", `member ${memberId} does not exist`);
    if (member.health < this.rules.tipMinHealth) {
      return reject("health_too_low", `member ${memberId}'s health value is below tipMinHealth`);
    }
    merchant.points -= amount;
    const id = this.openPosition(member, 0n, amount, FLAG_TIPPED);
    return { ok: true, position: id, points: amount };
  }

  // ---------------------------------------------------------------- rule 10: pay with points

  private payWithPoints(command: PayWithPointsCommand): Result {
    const {
      member: memberId,
      position: positionId,
      amount,
      merchant: merchantId = DEFAULT_MERCHANT,
    } = command;
    const i = this.ownedOpenPosition(memberId, positionId);
    if (typeof i !== "number") return i;
    if (amount <= 0n) return reject("amount_not_positive", "the amount must be greater than 0");
    if (amount > AMOUNT_MAX) return tooLarge();
    const t = this.table;
    const pool = this.accounts.pool;
    // n = X / p rounded up: the member burns at least the value received.
    const burned = ceilDiv(amount * this.supply, pool);
    if (burned > t.points[i]!) {
      return reject("insufficient_points", `position ${positionId} holds too few points to pay this amount`);
    }
    this.releaseUpToToday(i);
    if (burned > t.points[i]! - t.locked[i]!) {
      return reject("points_locked", `position ${positionId} has too few released points to pay this amount`);
    }
    let contribution = 0n;
    let issued = 0n;
    if (this.rules.pointsOrdersEarn) {
      // The order's pool part stays in the pool and earns points as rule 1, at the price before that
      // part is added: the price after the burn, (pool − X) / (supply − n).
      contribution = splitAmount(amount, this.rules.split, this.parts).contribution;
      issued = this.issueAt(contribution, pool - amount, this.supply - burned);
      if (issued > COLUMN_MAX) return tooLarge();
    }
    this.supply -= burned;
    const left = t.points[i]! - burned;
    t.points[i] = left;
    if (t.locked[i]! > left) t.locked[i] = left;
    t.soldGross[i] = t.soldGross[i]! + amount;
    this.accounts.pool = pool - amount + contribution;
    this.merchant(merchantId).settlement += amount - contribution;
    this.accounts.merchantSettlements += amount - contribution;
    const outcome: Outcome = { ok: true, points: burned };
    if (left === 0n) this.close(i, POSITION_CLOSED, 1);
    else this.reindex(i);
    if (contribution > 0n) {
      this.supply += issued;
      outcome.position = this.openPosition(this.memberList[t.member[i]!]!, amount, issued, 0);
    }
    return this.settle(outcome);
  }

  // ---------------------------------------------------------------- rule 11: legacy coins

  /** Imports every row or none: a refusal lists each refused row. Members must already exist. */
  private coinImport(rows: readonly CoinImportRow[]): Result {
    if (rows.length === 0 || rows.length > COIN_IMPORT_ROWS_MAX) {
      return reject("invalid_rows", `a coin import holds 1 to ${COIN_IMPORT_ROWS_MAX} rows`);
    }
    const problems = this.coinRowProblems(rows);
    if (problems.length > 0) {
      const message = `${problems.length} problem(s) in ${rows.length} row(s); nothing was imported`;
      return { ok: false, rejection: { code: "invalid_rows", message, rows: problems } };
    }
    for (const row of rows) {
      this.members.get(row.member)!.coins += row.coins;
      this.coins.imported += row.coins;
    }
    return { ok: true };
  }

  private coinRowProblems(rows: readonly CoinImportRow[]): RowRejection[] {
    const problems: RowRejection[] = [];
    const seen = new Set<string>();
    rows.forEach(({ member, coins }, row) => {
      if (!this.members.has(member)) {
        problems.push({
          row,
          field: "member",
          code: "unknown_member",
          message: `member ${member} does not exist`,
        });
      } else if (seen.has(member)) {
        problems.push({
          row,
          field: "member",
          code: "duplicate_member",
          message: `member ${member} appears twice`,
        });
      }
      seen.add(member);
      if (coins <= 0n) {
        problems.push({
          row,
          field: "coins",
          code: "amount_not_positive",
          message: "coins must be greater than 0",
        });
      } else if (coins > AMOUNT_MAX) {
        problems.push({
          row,
          field: "coins",
          code: "amount_too_large",
          message: "coins are above the amount limit",
        });
      }
    });
    return problems;
  }

  /** The single-member form of older journals, unchanged: it creates a missing member. */
  private coinImportLegacy(memberId: string, coins: bigint): Result {
    if (coins <= 0n) return reject("amount_not_positive", "the coins imported must be greater than 0");
    if (coins > AMOUNT_MAX) return tooLarge();
    const member = this.members.get(memberId) ?? this.addMember(memberId, null);
    member.coins += coins;
    this.coins.imported += coins;
    return { ok: true };
  }

  // ---------------------------------------------------------------- rule 12: withdrawal

  private withdraw(memberId: string, amount: bigint): Result {
    if (amount <= 0n) return reject("amount_not_positive", "the amount must be greater than 0");
    const member = this.members.get(memberId);
    if (member === undefined) return reject("unknown_member", `member ${memberId} does not exist`);
    if (amount > member.wallet) return reject("insufficient_funds", "the wallet holds less than the amount");
    const perRequest = this.rules.withdrawalMaxPerRequest;
    if (perRequest !== null && amount > perRequest) {
      return reject("withdrawal_over_request_limit", "the amount is above the limit per request");
    }
    const today = member.withdrawDay === this.day ? member.withdrawnToday : 0n;
    const perDay = this.rules.withdrawalMaxPerDay;
    if (perDay !== null && today + amount > perDay) {
      return reject("withdrawal_over_daily_limit", "the amount would pass the limit per day");
    }
    member.withdrawDay = this.day;
    member.withdrawnToday = today + amount;
    member.wallet -= amount;
    this.accounts.wallets -= amount;
    this.accounts.withdrawalsPending += amount;
    const id = this.withdrawals.length + 1;
    this.withdrawals.push({ id, member, amount, day: this.day, status: "pending" });
    return { ok: true, withdrawal: id };
  }

  private decideWithdrawal(id: number, approve: boolean): Result {
    const withdrawal = Number.isSafeInteger(id) && id >= 1 ? this.withdrawals[id - 1] : undefined;
    if (withdrawal === undefined) return reject("unknown_withdrawal", `there is no withdrawal ${id}`);
    if (withdrawal.status !== "pending") {
      return reject("withdrawal_not_pending", `withdrawal ${id} was already ${withdrawal.status}`);
    }
    this.accounts.withdrawalsPending -= withdrawal.amount;
    if (approve) {
      withdrawal.status = "approved";
      this.accounts.withdrawn += withdrawal.amount;
    } else {
      withdrawal.status = "rejected";
      const member = withdrawal.member;
      member.wallet += withdrawal.amount;
      this.accounts.wallets += withdrawal.amount;
      if (member.withdrawDay === withdrawal.day) member.withdrawnToday -= withdrawal.amount;
    }
    return { ok: true, withdrawal: id };
  }

  // ---------------------------------------------------------------- rule-set versions

  private changeRules(rules: RuleSet): Result {
    // Release owed under the old rules is applied first; the new rules apply from now on.
    this.releaseAll();
    const exitChanged = rules.exitMultiple !== this.rules.exitMultiple;
    this.rules = rules;
    if (rules.release === null) {
      for (const member of this.memberList) {
        for (const i of member.lockedPositions) this.table.locked[i] = 0n;
        member.lockedPositions = [];
      }
    }
    if (exitChanged) this.rebuildExitIndex();
    return this.settle({ ok: true });
  }

  /** Rebuilds the exit index from the positions (after a restore or an exitMultiple change). */
  rebuildExitIndex(): void {
    this.exitIndex.clear();
    for (let i = 0; i < this.table.length; i++) {
      if (!this.indexable(i)) continue;
      this.table.version[i]!++;
      this.exitIndex.push(i, this.approxKey(i));
    }
  }

  // ---------------------------------------------------------------- helpers

  addMember(id: string, inviter: string | null): Member {
    const member: Member = {
      id,
      index: this.memberList.length,
      inviter,
      wallet: 0n,
      coins: 0n,
      health: 0n,
      orders: 0,
      shares: 0n,
      lastPosition: 0,
      lockedPositions: [],
      withdrawDay: -1,
      withdrawnToday: 0n,
    };
    this.members.set(id, member);
    this.memberList.push(member);
    return member;
  }

  /**
   * The merchant an event credits, added with zero balances when missing (commands and state
   * loading need that). It changes the state: a reader uses `merchantBalance(id)` instead.
   */
  merchant(id: string): Merchant {
    // Most orders name the same merchant as the one before (or none): skip the Map then.
    const last = this.lastMerchant;
    if (last !== null && last.id === id) return last;
    let merchant = this.merchants.get(id);
    if (merchant === undefined) {
      merchant = { id, settlement: 0n, points: 0n, shares: 0n };
      this.merchants.set(id, merchant);
    }
    this.lastMerchant = merchant;
    return merchant;
  }

  /** Opens a position and returns its id. */
  private openPosition(member: Member, spend: bigint, issued: bigint, flags: number): number {
    const locked = this.rules.release === null ? 0n : issued;
    const i = this.table.add(member.index, spend, issued, locked, this.day, flags);
    this.linkPosition(member, i);
    if (locked > 0n) member.lockedPositions.push(i);
    // A new position is open and has sold nothing: it is indexed when it can exit and holds points,
    // keyed by exitMultiple × spend / points (from the values at hand, not read back from the table).
    if ((flags & FLAG_TIPPED) === 0 && issued > 0n) {
      this.exitIndex.push(i, (Number(this.rules.exitMultiple) * Number(spend)) / Number(issued));
    }
    return i + 1;
  }

  /**
   * Finds a member by id, trying the caller's hint (the member's index) first: with a million
   * members a Map lookup costs several cache misses, an index one. A wrong hint is simply ignored.
   */
  private memberByHint(memberId: string, hint: number | undefined): Member | undefined {
    if (hint !== undefined) {
      const member = this.memberList[hint];
      if (member !== undefined && member.id === memberId) return member;
    }
    return this.members.get(memberId);
  }

  /**
   * Appends position i to its member's list of positions. The list links backwards, so opening a
   * position writes only its own row (no random write to the member's previous position).
   */
  linkPosition(member: Member, i: number): void {
    this.table.previousOfMember[i] = member.lastPosition;
    member.lastPosition = i + 1;
  }

  private reindex(i: number): void {
    if ((this.table.flags[i]! & FLAG_TIPPED) !== 0) return;
    this.table.version[i]!++;
    this.exitIndex.invalidate();
    if (this.indexable(i)) this.exitIndex.push(i, this.approxKey(i));
  }

  private close(
    i: number,
    status: typeof POSITION_EXITED | typeof POSITION_CLOSED,
    reason: number,
    indexed = true,
  ): void {
    const t = this.table;
    t.status[i] = status;
    t.closeReason[i] = reason;
    if (indexed && (t.flags[i]! & FLAG_TIPPED) === 0) {
      t.version[i]!++;
      this.exitIndex.invalidate();
    }
  }

  private ownedOpenPosition(memberId: string, positionId: number): number | Rejected {
    const t = this.table;
    if (!Number.isSafeInteger(positionId) || positionId < 1 || positionId > t.length) {
      return reject("unknown_position", `there is no position ${positionId}`);
    }
    const i = positionId - 1;
    if (this.memberList[t.member[i]!]!.id !== memberId) {
      return reject("not_owner", `position ${positionId} does not belong to member ${memberId}`);
    }
    if (t.status[i] !== POSITION_OPEN)
      return reject("position_not_open", `position ${positionId} is no longer open`);
    return i;
  }
}
