/**
 * JSON views of engine state for the API: decimal strings for money, points and prices. Values are
 * read from the engine; the only arithmetic here is display (a position's value at the current
 * price, rounded down), never a rule.
 */
import {
  PRICE_DECIMALS,
  formatDecimal,
  formatHealth,
  formatMoney,
  formatPoints,
  formatRatio,
  ruleSetToJson,
  type Engine,
} from "@zengzhi/engine";

export const formatPrice = (units: bigint): string => formatDecimal(units, PRICE_DECIMALS);

export function positionView(engine: Engine, id: number) {
  const position = engine.position(id);
  if (position === undefined) return undefined;
  const [numerator, denominator] = engine.price();
  const threshold = engine.exitThreshold(id);
  return {
    id: position.id,
    member: position.member,
    spend: formatMoney(position.spend),
    points: formatPoints(position.points),
    locked: formatPoints(position.locked),
    unlocked: formatPoints(position.points - position.locked),
    soldGross: formatMoney(position.soldGross),
    day: position.day,
    status: position.status,
    closeReason: position.closeReason,
    tipped: position.tipped,
    exitThreshold: threshold === null ? null : formatPrice(threshold),
    value: formatMoney((position.points * numerator) / denominator),
  };
}

export function withdrawalView(engine: Engine, id: number) {
  const w = engine.withdrawals[id - 1];
  if (w === undefined) return undefined;
  return { id: w.id, member: w.member.id, amount: formatMoney(w.amount), day: w.day, status: w.status };
}

export function accountsView(engine: Engine): Record<string, string> {
  return Object.fromEntries(
    Object.entries(engine.accounts).map(([name, value]) => [name, formatMoney(value)]),
  );
}

/** The release tier that applies to a member now, as the engine reads it from the tier table. */
export function releaseView(engine: Engine, memberId: string) {
  const release = engine.rules.release;
  const member = engine.members.get(memberId);
  if (release === null || member === undefined) return null;
  const rate = engine.releaseRate(memberId)!;
  return {
    mode: release.mode,
    releaseRate: formatRatio(rate),
    tiers: release.tiers.map((t) => ({ minHealth: formatHealth(t.minHealth), rate: formatRatio(t.rate) })),
  };
}

export function memberView(engine: Engine, memberId: string) {
  const member = engine.members.get(memberId);
  if (member === undefined) return undefined;
  const release = releaseView(engine, memberId);
  return {
    member: member.id,
    inviter: member.inviter,
    wallet: formatMoney(member.wallet),
    coins: formatMoney(member.coins),
    health: formatHealth(member.health),
    shares: formatDecimal(member.shares, 8),
    orders: member.orders,
    positions: engine.memberPositions(memberId).length,
    releaseRate: release?.releaseRate ?? null,
    tiers: release?.tiers ?? null,
    price: formatPrice(engine.priceUnits()),
  };
}

/**
 * A merchant's three engine balances: settlement (money credited to the merchant), tip points held
 * and shares (tip points converted at listing). Zeros for a merchant the engine has not met yet.
 */
export function merchantBalanceView(engine: Engine, merchantId: string) {
  // `merchantBalance`, never `engine.merchant(id)`: that one adds a missing merchant to the state,
  // and a read must leave the engine exactly as the journal made it.
  const merchant = engine.merchantBalance(merchantId);
  return {
    settlement: formatMoney(merchant?.settlement ?? 0n),
    points: formatPoints(merchant?.points ?? 0n),
    shares: formatPoints(merchant?.shares ?? 0n),
  };
}

export function marketView(engine: Engine) {
  return {
    day: engine.day,
    period: engine.period,
    listed: engine.listed,
    pool: formatMoney(engine.pool),
    supply: formatPoints(engine.supply),
    price: formatPrice(engine.priceUnits()),
  };
}

export function totalsView(engine: Engine) {
  const a = engine.accounts;
  return {
    paidIn: {
      members: formatMoney(a.paidByMembers),
      financing: formatMoney(a.financingIn),
      merchants: formatMoney(a.paidByMerchants),
      debtSettlement: formatMoney(a.debtSettlement),
    },
    paidOut: {
      withdrawn: formatMoney(a.withdrawn),
      withdrawalsPending: formatMoney(a.withdrawalsPending),
      merchantSettlements: formatMoney(a.merchantSettlements),
      distribution: formatMoney(a.distribution),
      platformRevenue: formatMoney(a.platformRevenue),
    },
    held: {
      pool: formatMoney(a.pool),
      wallets: formatMoney(a.wallets),
      subsidyBudget: formatMoney(a.subsidyBudget),
      equity: formatMoney(a.equity),
    },
  };
}

export const rulesView = (engine: Engine) => ruleSetToJson(engine.rules);
