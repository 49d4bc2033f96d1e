/**
 * The rules engine: RULES.md rules 1–12 plus the price floor and the period reset, as a pure,
 * deterministic state machine. `apply` validates a command completely before it changes anything,
 * so a rejected command leaves the state untouched.
 *
 * Prices are never rounded: the market price is the exact fraction pool / supply (fen per 1e-8
 * point), and every amount derived from it is floored once, in the pool's favour.
 */
import { MONEY_SCALE, POINT_SCALE, RATIO_SCALE, ceilDiv } from "./decimal.js";
import { ExitIndex } from "./exit-index.js";
import { PRICE_DECIMALS, type RuleSet, type Split, loadRuleSet } from "./rules.js";
import {
  type Accounts,
  type CoinAccounts,
  type Command,
  type Member,
  type Merchant,
  type Outcome,
  POSITION_CLOSED,
  POSITION_EXITED,
  POSITION_OPEN,
  type Position,
  type PositionView,
  STATUS_NAMES,
  type Rejection,
  type RejectionCode,
  type Result,
  type Withdrawal,
} from "./types.js";

/** A price in 1e-8 yuan per point is `value / PRICE_DENOMINATOR` fen per 1e-8 point. */
export const PRICE_DENOMINATOR = 10n ** BigInt(PRICE_DECIMALS) * POINT_SCALE / MONEY_SCALE;

const reject = (code: RejectionCode, message: string): { ok: false; rejection: Rejection } => ({
  ok: false,
  rejection: { code, message },
});

export const DEFAULT_MERCHANT = "store";

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
  };
}

export class Engine {
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
  readonly merchants = new Map<string, Merchant>();
  /** Positions by id − 1. */
  readonly positions: Position[] = [];
  readonly withdrawals: Withdrawal[] = [];
  /** Open positions that hold points, by threshold price. */
  readonly exitIndex = new ExitIndex<Position>();

  constructor(rules: RuleSet = loadRuleSet({})) {
    this.rules = rules;
  }

  get pool(): bigint {
    return this.accounts.pool;
  }

  apply(command: Command): Result {
    if (this.listed) return reject("listed", "the scheme has listed; no event is accepted afterwards");
    switch (command.type) {
      case "order":
        return this.order(command.member, command.amount, command.merchant, command.split, command.payWith);
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
        return this.payWithPoints(command.member, command.position, command.amount, command.merchant);
      case "coinImport":
        return this.coinImport(command.member, command.coins);
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
    return this.positions.length;
  }

  /** A read-only view of one position (release brought up to date), or undefined. */
  position(id: number): PositionView | undefined {
    const position = this.positions[id - 1];
    if (position === undefined) return undefined;
    if (position.status === POSITION_OPEN) this.releaseUpToToday(position);
    return {
      id: position.id,
      member: position.member.id,
      spend: position.spend,
      points: position.points,
      locked: position.locked,
      soldGross: position.soldGross,
      day: position.day,
      status: STATUS_NAMES[position.status],
      closeReason: position.closeReason,
      tipped: position.tipped,
    };
  }

  /** Ids of a member's positions, oldest first. */
  memberPositions(memberId: string): readonly number[] {
    return this.members.get(memberId)?.positions ?? [];
  }

  /**
   * The price (1e-8 yuan per point, rounded up) at which an open position force-exits, or null for
   * positions that never do (tipped, closed, or without points).
   */
  exitThreshold(id: number): bigint | null {
    const position = this.positions[id - 1];
    if (position === undefined || position.status !== POSITION_OPEN || position.tipped || position.points === 0n) {
      return null;
    }
    const need = this.rules.exitMultiple * position.spend - position.soldGross * RATIO_SCALE;
    if (need <= 0n) return 0n;
    return ceilDiv(need * PRICE_DENOMINATOR, RATIO_SCALE * position.points);
  }

  // ---------------------------------------------------------------- prices

  /** The market price as a fraction [numerator fen, denominator 1e-8 points]; initialPrice while supply is 0. */
  price(): [bigint, bigint] {
    return this.supply === 0n
      ? [this.rules.initialPrice, PRICE_DENOMINATOR]
      : [this.accounts.pool, this.supply];
  }

  /** The issuance price: the market price, but never below minPrice. */
  private issuePrice(): [bigint, bigint] {
    const [n, d] = this.price();
    const floor = this.rules.minPrice;
    if (floor > 0n && n * PRICE_DENOMINATOR < floor * d) return [floor, PRICE_DENOMINATOR];
    return [n, d];
  }

  /** The market price in 1e-8 yuan per point, rounded down (for display). */
  priceUnits(): bigint {
    const [n, d] = this.price();
    return (n * PRICE_DENOMINATOR) / d;
  }

  /** issueRatio(day): halved every halvingPeriodDays when halving is on (rule 8). */
  private halvings(): bigint {
    const period = this.rules.halvingPeriodDays;
    return period === null ? 0n : BigInt(Math.floor(this.day / period));
  }

  // ---------------------------------------------------------------- rule 1: order

  private order(
    memberId: string,
    amount: bigint,
    merchantId = DEFAULT_MERCHANT,
    split: Split = this.rules.split,
    payWith: "cash" | "coins" = "cash",
  ): Result {
    if (amount <= 0n) return reject("amount_not_positive", "the order amount must be greater than 0");
    let member = this.members.get(memberId);
    const coins = payWith === "coins";
    if (coins && (member === undefined || member.coins < amount)) {
      return reject("insufficient_coins", `member ${memberId} has fewer legacy coins than ${amount} fen`);
    }
    const productCost = (amount * split.productCost) / RATIO_SCALE;
    const distributionCost = (amount * split.distributionCost) / RATIO_SCALE;
    const platformProfit = (amount * split.platformProfit) / RATIO_SCALE;
    const contribution = amount - productCost - distributionCost - platformProfit;

    const [pn, pd] = this.issuePrice();
    const issued = (this.rules.issueRatio * contribution * pd) / ((RATIO_SCALE * pn) << this.halvings());

    if (member === undefined) member = this.addMember(memberId, null);
    const first = member.orders === 0;
    const accounts = this.accounts;
    let subsidy = 0n;
    if (coins) {
      member.coins -= amount;
      this.coins.redeemed += amount;
      accounts.debtSettlement += contribution;
    } else {
      if (first && this.rules.subsidyRate > 0n) {
        subsidy = (amount * this.rules.subsidyRate) / RATIO_SCALE;
        if (subsidy > accounts.subsidyBudget) subsidy = accounts.subsidyBudget;
        accounts.subsidyBudget -= subsidy;
      }
      accounts.paidByMembers += amount - subsidy;
      this.merchant(merchantId).settlement += productCost;
      accounts.merchantSettlements += productCost;
      accounts.distribution += distributionCost;
      accounts.platformRevenue += platformProfit;
    }
    accounts.pool += contribution;
    this.supply += issued;
    member.orders++;
    const position = this.openPosition(member, amount, issued, false);

    if (first && member.inviter !== null && this.rules.healthPerReferral > 0n) {
      this.raiseHealth(this.members.get(member.inviter)!, this.rules.healthPerReferral);
    }
    if (this.rules.healthPerYuan > 0n) {
      this.raiseHealth(member, (this.rules.healthPerYuan * amount) / RATIO_SCALE);
    }
    const outcome: Outcome = { ok: true, position: position.id, points: issued };
    if (subsidy > 0n) outcome.subsidy = subsidy;
    return this.settle(outcome);
  }

  // ---------------------------------------------------------------- rule 2: sell

  private sell(memberId: string, positionId: number, amount: bigint): Result {
    const found = this.ownedOpenPosition(memberId, positionId);
    if (!("id" in found)) return found;
    const position = found;
    if (amount <= 0n) return reject("amount_not_positive", "the points to sell must be greater than 0");
    if (amount > position.points) {
      return reject("insufficient_points", `position ${positionId} holds fewer than the points asked`);
    }
    this.releaseUpToToday(position);
    if (amount > position.points - position.locked) {
      return reject("points_locked", `position ${positionId} has locked points; only released points can be sold`);
    }
    const { net, fee } = this.sellPoints(position, amount, this.rules.sellFee);
    if (position.points === 0n) this.close(position, POSITION_CLOSED, "sold");
    else this.reindex(position);
    return this.settle({ ok: true, points: amount, net, fee });
  }

  /** Rule 2's arithmetic: gross = n × price, fee stays in the pool, net (floored) to the wallet. */
  private sellPoints(position: Position, n: bigint, feeRate: bigint): { net: bigint; fee: bigint } {
    const pool = this.accounts.pool;
    const grossExact = n * pool; // fen × supply
    const gross = grossExact / this.supply;
    const net = (grossExact * (RATIO_SCALE - feeRate)) / (this.supply * RATIO_SCALE);
    this.accounts.pool = pool - net;
    this.accounts.wallets += net;
    position.member.wallet += net;
    this.supply -= n;
    position.points -= n;
    if (position.locked > position.points) position.locked = position.points;
    position.soldGross += gross;
    return { net, fee: gross - net };
  }

  // ---------------------------------------------------------------- rule 3: forced exits

  /** Exits every qualifying position, lowest threshold first, until none qualifies. */
  private runExits(outcome: Outcome): void {
    const index = this.exitIndex;
    for (;;) {
      const top = index.peek();
      if (top === undefined || this.supply === 0n) return;
      const pool = this.accounts.pool;
      // Qualifies when need / (RATIO_SCALE × points) <= pool / supply. Cheap float test first.
      const priceApprox = (Number(pool) / Number(this.supply)) * 1e9;
      if (top.approx > priceApprox * (1 + 1e-9)) return;
      if (top.need * this.supply > RATIO_SCALE * top.points * pool) return;
      const position = top.position;
      index.pop();
      position.version++;
      this.sellPoints(position, position.points, this.rules.exitFeeApplies ? this.rules.sellFee : 0n);
      this.close(position, POSITION_EXITED, "exit", false);
      (outcome.exits ??= []).push(position.id);
    }
  }

  /** After a command that can raise the price: forced exits, then the period reset check. */
  private settle(outcome: Outcome): Outcome {
    this.runExits(outcome);
    const ceiling = this.rules.priceCeiling;
    if (ceiling !== null && this.supply > 0n && this.accounts.pool * PRICE_DENOMINATOR >= ceiling * this.supply) {
      this.periodReset(outcome);
    }
    return outcome;
  }

  /** Period reset: every open position and merchant balance is cashed out at the current price, no fee. */
  private periodReset(outcome: Outcome): void {
    const pool = this.accounts.pool;
    const supply = this.supply;
    let paid = 0n;
    for (const position of this.positions) {
      if (position.status !== POSITION_OPEN) continue;
      if (position.points > 0n) {
        const net = (position.points * pool) / supply;
        position.soldGross += net;
        position.member.wallet += net;
        this.accounts.wallets += net;
        paid += net;
        position.points = 0n;
        position.locked = 0n;
      }
      this.close(position, POSITION_EXITED, "reset", false);
      (outcome.exits ??= []).push(position.id);
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
      return reject("amount_not_positive", "financing must bring a positive amount, and neither part may be negative");
    }
    this.accounts.financingIn += toPool + toSubsidy;
    this.accounts.pool += toPool;
    this.accounts.subsidyBudget += toSubsidy;
    return this.settle({ ok: true });
  }

  // ---------------------------------------------------------------- rule 5: listing

  private listing(sharesPerPoint: bigint): Result {
    if (sharesPerPoint <= 0n) return reject("amount_not_positive", "sharesPerPoint must be greater than 0");
    for (const position of this.positions) {
      if (position.status !== POSITION_OPEN) continue;
      position.member.shares += (position.points * sharesPerPoint) / RATIO_SCALE;
      position.points = 0n;
      position.locked = 0n;
      this.close(position, POSITION_CLOSED, "listing", false);
    }
    for (const merchant of this.merchants.values()) {
      merchant.shares += (merchant.points * sharesPerPoint) / RATIO_SCALE;
      merchant.points = 0n;
    }
    this.accounts.equity += this.accounts.pool;
    this.accounts.pool = 0n;
    this.supply = 0n;
    this.listed = true;
    this.exitIndex.clear();
    return { ok: true };
  }

  // ---------------------------------------------------------------- rule 6: daily release

  private advance(days: number): Result {
    if (!Number.isSafeInteger(days) || days < 1 || days > 100_000) {
      return reject("invalid_days", "advance takes a whole number of days from 1 to 100000");
    }
    // Release is lazy: a position's locked points are brought up to date when it is read or sold, or
    // when its member's tier changes, so a day boundary costs nothing here.
    this.day += days;
    return { ok: true };
  }

  private tierRate(member: Member): bigint {
    const tiers = this.rules.release!.tiers;
    let rate = tiers[0]!.rate;
    for (const tier of tiers) if (member.health >= tier.minHealth) rate = tier.rate;
    return rate;
  }

  /**
   * Applies the days of release a position has not seen yet, at its member's current tier. Released
   * amounts are rounded up (release moves no cash, and rounding up lets every lock run out).
   */
  releaseUpToToday(position: Position): void {
    const days = this.day - position.lockDay;
    if (days <= 0 || position.locked === 0n) {
      position.lockDay = this.day;
      return;
    }
    position.lockDay = this.day;
    const release = this.rules.release;
    if (release === null) {
      position.locked = 0n;
      return;
    }
    const rate = this.tierRate(position.member);
    if (release.mode === "percentOfOriginal") {
      const perDay = ceilDiv(position.lockedOriginal * rate, RATIO_SCALE);
      const total = perDay * BigInt(days);
      position.locked = total >= position.locked ? 0n : position.locked - total;
      return;
    }
    let locked = position.locked;
    for (let d = 0; d < days && locked > 0n; d++) locked -= ceilDiv(locked * rate, RATIO_SCALE);
    position.locked = locked;
  }

  /** Brings every locked position of a member up to date (before its tier changes). */
  private releaseMember(member: Member): void {
    if (member.lockedPositions.length === 0) return;
    const still: Position[] = [];
    for (const position of member.lockedPositions) {
      if (position.status !== POSITION_OPEN) continue;
      this.releaseUpToToday(position);
      if (position.locked > 0n) still.push(position);
    }
    member.lockedPositions = still;
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
      if (!this.members.has(inviterId)) return reject("unknown_inviter", `inviter ${inviterId} is not a member`);
    }
    this.addMember(memberId, inviterId ?? null);
    return { ok: true };
  }

  // ---------------------------------------------------------------- rule 9: merchant tips

  private tipBuy(merchantId: string, amount: bigint): Result {
    if (amount <= 0n) return reject("amount_not_positive", "the amount must be greater than 0");
    const [pn, pd] = this.price();
    const bought = (amount * pd) / pn;
    if (bought === 0n) return reject("zero_points", "the amount buys no points at the current price");
    const merchant = this.merchant(merchantId);
    this.accounts.paidByMerchants += amount;
    this.accounts.pool += amount;
    this.supply += bought;
    merchant.points += bought;
    return this.settle({ ok: true, points: bought });
  }

  private tip(merchantId: string, memberId: string, amount: bigint): Result {
    if (amount <= 0n) return reject("amount_not_positive", "the points to tip must be greater than 0");
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
    const position = this.openPosition(member, 0n, amount, true);
    return { ok: true, position: position.id, points: amount };
  }

  // ---------------------------------------------------------------- rule 10: pay with points

  private payWithPoints(memberId: string, positionId: number, amount: bigint, merchantId = DEFAULT_MERCHANT): Result {
    const found = this.ownedOpenPosition(memberId, positionId);
    if (!("id" in found)) return found;
    const position = found;
    if (amount <= 0n) return reject("amount_not_positive", "the amount must be greater than 0");
    const pool = this.accounts.pool;
    const burned = ceilDiv(amount * this.supply, pool);
    if (burned > position.points) {
      return reject("insufficient_points", `position ${positionId} holds too few points to pay this amount`);
    }
    this.releaseUpToToday(position);
    if (burned > position.points - position.locked) {
      return reject("points_locked", `position ${positionId} has too few released points to pay this amount`);
    }
    let contribution = 0n;
    let issued = 0n;
    if (this.rules.pointsOrdersEarn) {
      // The order's pool contribution stays in the pool and earns points as rule 1.
      const split = this.rules.split;
      contribution =
        amount -
        (amount * split.productCost) / RATIO_SCALE -
        (amount * split.distributionCost) / RATIO_SCALE -
        (amount * split.platformProfit) / RATIO_SCALE;
    }
    this.supply -= burned;
    position.points -= burned;
    if (position.locked > position.points) position.locked = position.points;
    position.soldGross += amount;
    this.accounts.pool = pool - amount + contribution;
    const merchant = this.merchant(merchantId);
    merchant.settlement += amount - contribution;
    this.accounts.merchantSettlements += amount - contribution;
    const outcome: Outcome = { ok: true, points: burned };
    if (position.points === 0n) this.close(position, POSITION_CLOSED, "sold");
    else this.reindex(position);
    if (contribution > 0n) {
      const [pn, pd] = this.issuePrice();
      issued = (this.rules.issueRatio * contribution * pd) / ((RATIO_SCALE * pn) << this.halvings());
      this.supply += issued;
      outcome.position = this.openPosition(position.member, amount, issued, false).id;
    }
    return this.settle(outcome);
  }

  // ---------------------------------------------------------------- rule 11: legacy coins

  private coinImport(memberId: string, coins: bigint): Result {
    if (coins <= 0n) return reject("amount_not_positive", "the coins imported must be greater than 0");
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
    const withdrawal: Withdrawal = {
      id: this.withdrawals.length + 1,
      member,
      amount,
      day: this.day,
      status: "pending",
    };
    this.withdrawals.push(withdrawal);
    return { ok: true, withdrawal: withdrawal.id };
  }

  private decideWithdrawal(id: number, approve: boolean): Result {
    const withdrawal = this.withdrawals[id - 1];
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
    if (this.rules.release !== null) {
      for (const member of this.members.values()) this.releaseMember(member);
    }
    const exitChanged = rules.exitMultiple !== this.rules.exitMultiple;
    this.rules = rules;
    if (rules.release === null) {
      for (const member of this.members.values()) {
        for (const position of member.lockedPositions) position.locked = 0n;
        member.lockedPositions = [];
      }
    }
    if (exitChanged) this.rebuildExitIndex();
    return this.settle({ ok: true });
  }

  /** Rebuilds the exit index from the positions (after a restore or an exitMultiple change). */
  rebuildExitIndex(): void {
    this.exitIndex.clear();
    for (const position of this.positions) {
      if (position.status !== POSITION_OPEN) continue;
      position.version++;
      this.index(position);
    }
  }

  // ---------------------------------------------------------------- helpers

  addMember(id: string, inviter: string | null): Member {
    const member: Member = {
      id,
      inviter,
      wallet: 0n,
      coins: 0n,
      health: 0n,
      orders: 0,
      shares: 0n,
      positions: [],
      lockedPositions: [],
      withdrawDay: -1,
      withdrawnToday: 0n,
    };
    this.members.set(id, member);
    return member;
  }

  merchant(id: string): Merchant {
    let merchant = this.merchants.get(id);
    if (merchant === undefined) {
      merchant = { id, settlement: 0n, points: 0n, shares: 0n };
      this.merchants.set(id, merchant);
    }
    return merchant;
  }

  private openPosition(member: Member, spend: bigint, issued: bigint, tipped: boolean): Position {
    const locked = this.rules.release === null ? 0n : issued;
    const position: Position = {
      id: this.positions.length + 1,
      member,
      spend,
      day: this.day,
      points: issued,
      locked,
      lockedOriginal: locked,
      lockDay: this.day,
      soldGross: 0n,
      status: POSITION_OPEN,
      closeReason: null,
      need: 0n,
      version: 0,
      tipped,
    };
    this.positions.push(position);
    member.positions.push(position.id);
    if (locked > 0n) {
      member.lockedPositions.push(position);
    }
    this.index(position);
    return position;
  }

  private index(position: Position): void {
    if (position.tipped || position.points === 0n) return;
    position.need = this.rules.exitMultiple * position.spend - position.soldGross * RATIO_SCALE;
    this.exitIndex.push(position, position.need, position.points);
  }

  private reindex(position: Position): void {
    if (position.tipped) return;
    position.version++;
    this.exitIndex.invalidate();
    this.index(position);
  }

  private close(position: Position, status: typeof POSITION_EXITED | typeof POSITION_CLOSED, reason: Position["closeReason"], indexed = true): void {
    position.status = status;
    position.closeReason = reason;
    if (indexed && !position.tipped) {
      position.version++;
      this.exitIndex.invalidate();
    }
  }

  private ownedOpenPosition(memberId: string, positionId: number): Position | { ok: false; rejection: Rejection } {
    const position = Number.isSafeInteger(positionId) ? this.positions[positionId - 1] : undefined;
    if (position === undefined) return reject("unknown_position", `there is no position ${positionId}`);
    if (position.member.id !== memberId) {
      return reject("not_owner", `position ${positionId} does not belong to member ${memberId}`);
    }
    if (position.status !== POSITION_OPEN) {
      return reject("position_not_open", `position ${positionId} is no longer open`);
    }
    return position;
  }

  /** Brings every position's release up to date (for reading the whole state). */
  releaseAll(): void {
    if (this.rules.release === null) return;
    for (const member of this.members.values()) this.releaseMember(member);
  }
}
