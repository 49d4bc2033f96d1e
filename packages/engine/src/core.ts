/**
 * The engine's core (internal: index.ts does not export it): the mutable state, the dispatch of
 * commands to their rule family (order.ts, sell.ts, financing.ts, release.ts, tips.ts,
 * pay-with-points.ts, coins.ts, withdrawals.ts, rule-versions.ts, online-orders.ts) and the shared
 * mechanics of positions, members and merchants. Each family checks a command completely before it
 * changes anything, so a rejected command leaves the state untouched.
 *
 * Prices are never rounded: the market price is the exact fraction pool / supply (fen per 1e-8
 * point), and every amount derived from it is floored once, in the pool's favour.
 */
import { WalletCredits } from "./wallet-credits.js";
import { compareThresholds } from "./sell.js";
import { lockedNow } from "./release.js";
import { MONEY_SCALE, POINT_SCALE } from "./decimal.js";
import { ExitIndex } from "./exit-index.js";
import { coinImport, coinImportLegacy } from "./coins.js";
import { financing, listing } from "./financing.js";
import { orderPaid, orderRefund } from "./online-orders.js";
import { order } from "./order.js";
import { PrepaidBook, prepaidCredit, setSplitBounds, tillSale, tillSaleVoid } from "./prepaid.js";
import { payWithPoints } from "./pay-with-points.js";
import { advance, join } from "./release.js";
import { changeRules } from "./rule-versions.js";
import { sell } from "./sell.js";
import { tip, tipBuy } from "./tips.js";
import { decideWithdrawal, settleWithdrawal, withdraw } from "./withdrawals.js";
import { CLOSE_REASONS, type CloseReasonCode, FLAG_TIPPED, PositionTable } from "./positions.js";
import { PRICE_DECIMALS, type RuleSet } from "./rules.js";
import { stateDigest } from "./state-digest.js";
import {
  type Accounts,
  type OnlineOrder,
  type CoinAccounts,
  type Command,
  type Member,
  type Merchant,
  type MerchantBalance,
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

export type Rejected = { ok: false; rejection: Rejection };

export const reject = (code: RejectionCode, message: string): Rejected => ({
  ok: false,
  rejection: { code, message },
});

export const tooLarge = () => reject("amount_too_large", "the amount is larger than one command may move");

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
    prepaidIn: 0n,
    prepaidHeld: 0n,
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

/** Members by id: a Map in a live engine, an overlay on the live engine's Map in a fork (fork.ts). */
export interface MemberIndex {
  get(id: string): Member | undefined;
  has(id: string): boolean;
  set(id: string, member: Member): unknown;
  /** Every member in creation order. */
  values(): Iterable<Member>;
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
  members: MemberIndex = new Map<string, Member>();
  /** Members by index (positions refer to their member by index). */
  memberList: Member[] = [];
  /**
   * In a fork (fork.ts), the live engine's member list: those member objects are shared with the
   * live engine and are copied before the fork writes one (`own`). Null in a live engine.
   */
  sharedMembers: readonly Member[] | null = null;
  /**
   * The last fork's columns and exit index, reused by the next fork (fork.ts): previews then copy a
   * million positions into memory already there instead of allocating it anew. Never read as state.
   */
  forkSpare: { table: PositionTable; exitIndex: ExitIndex } | null = null;
  merchants = new Map<string, Merchant>();
  lastMerchant: Merchant | null = null;
  /** Every position ever opened, as columns (id = index + 1). */
  table = new PositionTable();
  withdrawals: Withdrawal[] = [];
  /** Online orders by the caller's order id. */
  onlineOrders = new Map<number, OnlineOrder>();
  /** Online orders that were inside their refund window when last looked at (refunded ones are skipped). */
  awaiting: OnlineOrder[] = [];
  /** Merchants' prepaid balances, split bounds and till sales (prepaid.ts). */
  readonly prepaid = new PrepaidBook();
  /** Open positions that hold points and can exit, by threshold price. */
  readonly exitIndex: ExitIndex;
  /** A forced-exit cascade's wallet credits, paid when it ends (wallet-credits.ts). */
  readonly credits = new WalletCredits();

  constructor(
    rules: RuleSet,
    readonly options: EngineOptions = {},
  ) {
    this.rules = rules;
    this.exitIndex = new ExitIndex({
      version: (i) => this.table.version[i]!,
      compare: (i, j) => compareThresholds(this, i, j),
    });
  }

  get pool(): bigint {
    return this.accounts.pool;
  }

  apply(command: Command): Result {
    if (this.listed) return reject("listed", "the scheme has listed; no event is accepted afterwards");
    if ("expect" in command && command.expect !== undefined && command.expect !== stateDigest(this)) {
      return reject("preview_stale", "the state changed since the preview; preview again");
    }
    switch (command.type) {
      case "order":
        return order(this, command);
      case "orderPaid":
        return orderPaid(this, command);
      case "orderRefund":
        return orderRefund(this, command.order);
      case "sell":
        return sell(this, command.member, command.position, command.points);
      case "join":
        return join(this, command.member, command.inviter);
      case "financing":
        return financing(this, command.toPool, command.toSubsidy);
      case "advance":
        return advance(this, command.days);
      case "listing":
        return listing(this, command.sharesPerPoint);
      case "tipBuy":
        return tipBuy(this, command);
      case "tip":
        return tip(this, command.merchant, command.member, command.points);
      case "payWithPoints":
        return payWithPoints(this, command);
      case "coinImport":
        return coinImport(this, command.rows);
      case "coinImportLegacy":
        return coinImportLegacy(this, command.member, command.coins);
      case "withdraw":
        return withdraw(this, command.member, command.amount);
      case "withdrawApprove":
        return decideWithdrawal(this, command.withdrawal, true);
      case "withdrawReject":
        return decideWithdrawal(this, command.withdrawal, false);
      case "withdrawPaid":
        return settleWithdrawal(this, command.withdrawal, true);
      case "withdrawReturn":
        return settleWithdrawal(this, command.withdrawal, false);
      case "rules":
        return changeRules(this, command.rules);
      case "prepaidCredit":
        return prepaidCredit(this, command.merchant, command.amount);
      case "splitBounds":
        return setSplitBounds(this, command.merchant, command);
      case "tillSale":
        return tillSale(this, command);
      case "tillSaleVoid":
        return tillSaleVoid(this, command.merchant, command.position);
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
      locked: t.status[i] === POSITION_OPEN ? lockedNow(this, i) : t.locked[i]!,
      soldGross: t.soldGrossOf(i),
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

  // ---------------------------------------------------------------- rule 1: order

  // ---------------------------------------------------------------- rule 2: sell

  // ---------------------------------------------------------------- rule 3: forced exits

  // ---------------------------------------------------------------- rule 4: financing

  // ---------------------------------------------------------------- rule 5: listing

  // ---------------------------------------------------------------- rule 6: daily release

  // ---------------------------------------------------------------- online orders (refund window)

  // ---------------------------------------------------------------- rule 7: health value

  // ---------------------------------------------------------------- rule 9: merchant tips

  // ---------------------------------------------------------------- rule 10: pay with points

  // ---------------------------------------------------------------- rule 11: legacy coins

  // ---------------------------------------------------------------- rule 12: withdrawal

  // ---------------------------------------------------------------- rule-set versions

  // ---------------------------------------------------------------- helpers

  /**
   * The member object this engine may write. A live engine owns all its members; a fork shares the
   * live engine's and copies one (with its list of locked positions) the first time it writes it, so
   * forking a million members costs nothing. Every write to a member goes through here.
   */
  own(member: Member): Member {
    const shared = this.sharedMembers;
    if (shared === null) return member;
    const current = this.memberList[member.index]!;
    if (current !== member) return current;
    if (shared[member.index] !== member) return member;
    const copy: Member = { ...member, lockedPositions: member.lockedPositions.slice() };
    // The fork's member index reads a live member from the list at its index: no Map write needed.
    this.memberList[member.index] = copy;
    return copy;
  }

  addMember(id: string, inviter: string | null): Member {
    // The fields an order reads come first, so they share the object's first cache line: with a
    // million members in random order, every member an order touches is a cache miss or two.
    const member: Member = {
      id,
      index: this.memberList.length,
      orders: 0,
      lastPosition: 0,
      positionCount: 0,
      inviter,
      health: 0n,
      lockedPositions: [],
      wallet: 0n,
      coins: 0n,
      shares: 0n,
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
  openPosition(writable: Member, spend: bigint, issued: bigint, flags: number): number {
    const member = this.own(writable);
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
  memberByHint(memberId: string, hint: number | undefined): Member | undefined {
    if (hint !== undefined && hint >= 0) {
      const member = this.memberList[hint];
      if (member !== undefined && member.id === memberId) return member;
    }
    return this.members.get(memberId);
  }

  /**
   * Appends position i to its member's list of positions. The list links backwards, so opening a
   * position writes only its own row (no random write to the member's previous position).
   */
  linkPosition(writable: Member, i: number): void {
    const member = this.own(writable);
    this.table.previousOfMember[i] = member.lastPosition;
    member.lastPosition = i + 1;
    member.positionCount++;
  }

  close(
    i: number,
    status: typeof POSITION_EXITED | typeof POSITION_CLOSED,
    reason: CloseReasonCode,
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

  ownedOpenPosition(memberId: string, positionId: number): number | Rejected {
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
