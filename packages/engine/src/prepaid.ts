/**
 * Till sales that are always funded: a merchant's prepaid balance (预存), the operator's bounds on
 * the splits a merchant may use, the till sale paid from that balance and its same-day void.
 * Kept apart from order.ts (the hot path): a till sale shares only the split and issuance helpers.
 *
 * A till sale's amount is paid by the member to the merchant at the till, outside the scheme. What
 * the merchant owes the scheme (pool contribution, platform profit, distribution) is debited from
 * the merchant's prepaid balance, money the scheme has already received; the product cost never
 * enters the scheme. So every cent a till sale adds to the pool was paid in before it.
 */
import { type EngineCore, reject, tooLarge } from "./core.js";
import {
  HEALTH_DECIMALS,
  MONEY_DECIMALS,
  POINT_DECIMALS,
  RATIO_DECIMALS,
  RATIO_SCALE,
  formatHealth,
  formatMoney,
  formatPoints,
  formatRatio,
  parseDecimal,
} from "./decimal.js";
import { AMOUNT_MAX, COLUMN_MAX } from "./limits.js";
import { issue, splitAmount } from "./order.js";
import { CLOSE_REASON } from "./positions.js";
import { raiseHealth } from "./release.js";
import { type Split } from "./rules.js";
import { settle } from "./sell.js";
import { POSITION_CLOSED, POSITION_OPEN, type Outcome, type Rejection, type Result } from "./types.js";

/** The operator's bounds on a merchant's splits, in 1e-9 of the amount. */
export interface SplitBounds {
  /** The largest pool contribution a product may give. */
  maxPoolContribution: bigint;
  /** The smallest platform profit a product may give. */
  minPlatformProfit: bigint;
}

/**
 * Bounds of a merchant the operator has not set: at most half of a sale to the pool, at least 5% to
 * the platform (the default split, 30% pool and 10% platform, fits). A merchant can give the pool
 * 100% or the platform 0% only when the operator sets bounds that allow it.
 */
export const DEFAULT_SPLIT_BOUNDS: SplitBounds = {
  maxPoolContribution: RATIO_SCALE / 2n,
  minPlatformProfit: RATIO_SCALE / 20n,
};

/** One till sale, by the position it opened. */
export interface TillSale {
  readonly position: number;
  readonly merchant: string;
  readonly member: string;
  readonly amount: bigint;
  readonly contribution: bigint;
  readonly platformProfit: bigint;
  readonly distributionCost: bigint;
  readonly points: bigint;
  readonly day: number;
  /** Health value the sale raised: [inviter or null, inviter's raise, member's own raise]. */
  readonly health: readonly [string | null, bigint, bigint];
  /** True when the sale moved other positions (exits, a reset): such a sale cannot be undone exactly. */
  readonly movedOthers: boolean;
  voided: boolean;
}

/** The prepaid side of a tenant: balances, bounds, till sales and the running totals verify checks. */
export class PrepaidBook {
  readonly balances = new Map<string, bigint>();
  readonly bounds = new Map<string, SplitBounds>();
  readonly sales = new Map<number, TillSale>();
  /** fen debited from prepaid balances by till sales (voids subtract). */
  debited = 0n;
  /** fen debited from prepaid balances by tip-point buys (tips.ts, `funding: "prepaid"`). */
  tipDebited = 0n;

  balance(merchant: string): bigint {
    return this.balances.get(merchant) ?? 0n;
  }

  boundsOf(merchant: string): SplitBounds {
    return this.bounds.get(merchant) ?? DEFAULT_SPLIT_BOUNDS;
  }

  /** Copies another book into this empty one (a fork for previews: fork.ts). */
  copyFrom(other: PrepaidBook): void {
    for (const [merchant, balance] of other.balances) this.balances.set(merchant, balance);
    for (const [merchant, bounds] of other.bounds) this.bounds.set(merchant, bounds);
    for (const [position, sale] of other.sales) this.sales.set(position, { ...sale });
    this.debited = other.debited;
    this.tipDebited = other.tipDebited;
  }

  get used(): boolean {
    return this.balances.size > 0 || this.bounds.size > 0 || this.sales.size > 0;
  }
}

/** Why a split is outside a merchant's bounds, or null when it fits (also used when products change). */
export function splitOutsideBounds(split: Split, bounds: SplitBounds): Rejection | null {
  if (split.poolContribution > bounds.maxPoolContribution) {
    const limit = formatRatio(bounds.maxPoolContribution);
    return { code: "split_out_of_bounds", message: `the pool contribution may be at most ${limit}` };
  }
  if (split.platformProfit < bounds.minPlatformProfit) {
    const limit = formatRatio(bounds.minPlatformProfit);
    return { code: "split_out_of_bounds", message: `the platform profit must be at least ${limit}` };
  }
  return null;
}

/** Money received for a merchant's prepaid balance (a provider top-up or a recorded bank transfer). */
export function prepaidCredit(core: EngineCore, merchant: string, amount: bigint): Result {
  if (amount <= 0n) return reject("amount_not_positive", "the amount must be greater than 0");
  if (amount > AMOUNT_MAX) return tooLarge();
  const book = core.prepaid;
  book.balances.set(merchant, book.balance(merchant) + amount);
  core.accounts.prepaidIn += amount;
  core.accounts.prepaidHeld += amount;
  return { ok: true, prepaid: book.balance(merchant) };
}

/** The operator sets a merchant's split bounds; fractions in [0, 1]. */
export function setSplitBounds(core: EngineCore, merchant: string, bounds: SplitBounds): Result {
  const inRange = (v: bigint) => v >= 0n && v <= RATIO_SCALE;
  if (!inRange(bounds.maxPoolContribution) || !inRange(bounds.minPlatformProfit))
    return reject("split_out_of_bounds", "bounds are fractions between 0 and 1");
  const { maxPoolContribution, minPlatformProfit } = bounds;
  core.prepaid.bounds.set(merchant, { maxPoolContribution, minPlatformProfit });
  return { ok: true };
}

export interface TillSaleInput {
  member: string;
  amount: bigint;
  merchant: string;
  split?: Split | undefined;
}

/** A till sale: checked completely (bounds, prepaid cover), then a rule-1 order funded from prepaid. */
export function tillSale(core: EngineCore, command: TillSaleInput): Result {
  const { amount, merchant } = command;
  const split = command.split ?? core.rules.split;
  if (amount <= 0n) return reject("amount_not_positive", "the sale amount must be greater than 0");
  if (amount > AMOUNT_MAX) return tooLarge();
  const outside = splitOutsideBounds(split, core.prepaid.boundsOf(merchant));
  if (outside !== null) return { ok: false, rejection: outside };
  const parts = splitAmount(amount, split);
  const owed = parts.contribution + parts.platformProfit + parts.distributionCost;
  const balance = core.prepaid.balance(merchant);
  if (owed > balance) {
    const message = `the sale needs ${formatMoney(owed)} of prepaid balance; ${formatMoney(balance)} is left`;
    return reject("prepaid_insufficient", message);
  }
  const issued = issue(core, parts.contribution);
  if (issued > COLUMN_MAX) return tooLarge();

  core.prepaid.balances.set(merchant, balance - owed);
  core.prepaid.debited += owed;
  const a = core.accounts;
  a.prepaidHeld -= owed;
  a.pool += parts.contribution;
  a.platformRevenue += parts.platformProfit;
  a.distribution += parts.distributionCost;
  core.supply += issued;
  const found = core.members.get(command.member);
  // Through own(): a preview's fork copies the member before its first write.
  const member = found === undefined ? core.addMember(command.member, null) : core.own(found);
  member.orders++;
  const position = core.openPosition(member, amount, issued, 0);
  const health = raiseSaleHealth(core, member.id, amount);
  const outcome: Outcome = settle(core, { ok: true, position, points: issued });
  outcome.prepaid = balance - owed;
  outcome.split = { ...parts, productCost: 0n };
  outcome.owed = owed;
  core.prepaid.sales.set(position, {
    position,
    merchant,
    member: member.id,
    amount,
    contribution: parts.contribution,
    platformProfit: parts.platformProfit,
    distributionCost: parts.distributionCost,
    points: issued,
    day: core.day,
    health,
    movedOthers: (outcome.exits?.length ?? 0) > 0 || outcome.reset === true,
    voided: false,
  });
  return outcome;
}

/** Rule 7 for a till sale, as an order: the inviter on a first order, then the member's own spend. */
function raiseSaleHealth(
  core: EngineCore,
  memberId: string,
  amount: bigint,
): [string | null, bigint, bigint] {
  const member = core.members.get(memberId)!;
  let inviter: string | null = null;
  let referral = 0n;
  if (member.orders === 1 && member.inviter !== null && core.rules.healthPerReferral > 0n) {
    inviter = member.inviter;
    referral = core.rules.healthPerReferral;
    raiseHealth(core, core.members.get(inviter)!, referral);
  }
  const own = core.rules.healthPerYuan > 0n ? (core.rules.healthPerYuan * amount) / RATIO_SCALE : 0n;
  if (own > 0n) raiseHealth(core, member, own);
  return [inviter, referral, own];
}

/**
 * Voids a till sale of the current day, exactly: its position closes, its points leave the supply,
 * its parts leave the pool, platform and distribution, and the merchant's prepaid balance gets them
 * back. Refused when that cannot be exact: another day, points sold or exited, a sale that moved
 * other positions, or health value that already changed a release rate.
 */
export function tillSaleVoid(core: EngineCore, merchant: string, position: number): Result {
  const sale = core.prepaid.sales.get(position);
  if (sale === undefined || sale.merchant !== merchant)
    return reject("unknown_sale", `there is no till sale ${position} of this merchant`);
  const why = notVoidable(core, sale);
  if (why !== null) return reject("sale_not_voidable", why);
  const i = position - 1;
  const a = core.accounts;
  const owed = sale.contribution + sale.platformProfit + sale.distributionCost;
  a.pool -= sale.contribution;
  a.platformRevenue -= sale.platformProfit;
  a.distribution -= sale.distributionCost;
  a.prepaidHeld += owed;
  core.prepaid.debited -= owed;
  core.prepaid.balances.set(merchant, core.prepaid.balance(merchant) + owed);
  core.supply -= sale.points;
  const member = core.own(core.members.get(sale.member)!);
  member.orders--;
  const [inviter, referral, own] = sale.health;
  if (inviter !== null) core.own(core.members.get(inviter)!).health -= referral;
  member.health -= own;
  core.table.points[i] = 0n;
  core.table.locked[i] = 0n;
  core.close(i, POSITION_CLOSED, CLOSE_REASON.void);
  sale.voided = true;
  return { ok: true, position, prepaid: core.prepaid.balance(merchant) };
}

function notVoidable(core: EngineCore, sale: TillSale): string | null {
  if (sale.voided) return "the sale is already void";
  if (sale.day !== core.day) return "a sale can be voided only on the day it was made";
  if (sale.movedOthers) return "the sale triggered forced exits or a reset";
  const i = sale.position - 1;
  const t = core.table;
  if (t.status[i] !== POSITION_OPEN || t.points[i] !== sale.points || t.soldGrossOf(i) !== 0n)
    return "points of the sale were already sold or paid with";
  const [, referral, own] = sale.health;
  if (core.rules.release !== null && referral + own > 0n)
    return "the sale raised health value, which already counts for daily release";
  if (core.accounts.pool < sale.contribution) return "the pool no longer holds the sale's contribution";
  return null;
}

/** Funding problems for checkInvariants: prepaid balances, till sales and the debits add up. */
export function prepaidProblems(core: EngineCore): string[] {
  const broken: string[] = [];
  const book = core.prepaid;
  let held = 0n;
  for (const [merchant, balance] of book.balances) {
    if (balance < 0n) broken.push(`merchant ${merchant} prepaid balance is negative`);
    held += balance;
  }
  if (held !== core.accounts.prepaidHeld) broken.push("prepaid balances do not add up to their account");
  let debited = 0n;
  for (const sale of book.sales.values()) {
    if (!sale.voided) debited += sale.contribution + sale.platformProfit + sale.distributionCost;
  }
  if (debited !== book.debited) broken.push("till sales do not add up to the prepaid debits");
  if (book.tipDebited < 0n) broken.push("tip-point buys debited a negative prepaid amount");
  if (core.accounts.prepaidIn - book.debited - book.tipDebited !== core.accounts.prepaidHeld)
    broken.push("prepaid received less debits is not the prepaid held");
  return broken;
}

// ---------------------------------------------------------------- state as JSON (snapshots)

type SaleJson = [
  number,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  number,
  (string | null)[],
  boolean,
  boolean,
];

/** The prepaid book as JSON; states that never used it leave it out (their bytes stay as before). */
export function prepaidToJson(book: PrepaidBook) {
  const m = formatMoney;
  return {
    balances: [...book.balances].map(([merchant, balance]) => [merchant, m(balance)]),
    bounds: [...book.bounds].map(([merchant, b]) => [
      merchant,
      formatRatio(b.maxPoolContribution),
      formatRatio(b.minPlatformProfit),
    ]),
    debited: m(book.debited),
    // Written only once used, so the snapshots of states without it keep their bytes.
    ...(book.tipDebited === 0n ? {} : { tipDebited: m(book.tipDebited) }),
    sales: [...book.sales.values()].map((s): SaleJson => [
      s.position,
      s.merchant,
      s.member,
      m(s.amount),
      m(s.contribution),
      m(s.platformProfit),
      m(s.distributionCost),
      formatPoints(s.points),
      s.day,
      [s.health[0], formatHealth(s.health[1]), formatHealth(s.health[2])],
      s.movedOthers,
      s.voided,
    ]),
  };
}

export type PrepaidJson = ReturnType<typeof prepaidToJson>;

/** Restores what prepaidToJson wrote (nothing when the state had no prepaid book). */
export function restorePrepaid(core: EngineCore, json: PrepaidJson | undefined): void {
  if (json === undefined) return;
  const money = (v: string) => parseDecimal(v, MONEY_DECIMALS);
  const ratio = (v: string) => parseDecimal(v, RATIO_DECIMALS);
  const health = (v: string | null) => parseDecimal(v ?? "0", HEALTH_DECIMALS);
  const book = core.prepaid;
  for (const [merchant, balance] of json.balances) book.balances.set(merchant!, money(balance!));
  for (const [merchant, pool, platform] of json.bounds)
    book.bounds.set(merchant!, { maxPoolContribution: ratio(pool!), minPlatformProfit: ratio(platform!) });
  book.debited = money(json.debited);
  book.tipDebited = json.tipDebited === undefined ? 0n : money(json.tipDebited);
  for (const s of json.sales) {
    const [position, merchant, member, amount, contribution, platform, distribution, points] = s;
    book.sales.set(position, {
      position,
      merchant,
      member,
      amount: money(amount),
      contribution: money(contribution),
      platformProfit: money(platform),
      distributionCost: money(distribution),
      points: parseDecimal(points, POINT_DECIMALS),
      day: s[8],
      health: [s[9][0] ?? null, health(s[9][1] ?? null), health(s[9][2] ?? null)],
      movedOthers: s[10],
      voided: s[11],
    });
  }
}
