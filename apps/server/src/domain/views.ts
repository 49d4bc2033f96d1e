/**
 * JSON views of engine state for the API: decimal strings for money, points and prices. Values are
 * read from the engine (a position's value, the custody balance included); no arithmetic here.
 */
import {
  PRICE_DECIMALS,
  formatDecimal,
  formatHealth,
  formatMoney,
  formatPoints,
  formatRatio,
  ruleSetToJson,
  type EngineView,
  type WithdrawalView,
} from "@zengzhi/engine";
import type { TenantCalendar } from "./calendar.js";

export const formatPrice = (units: bigint): string => formatDecimal(units, PRICE_DECIMALS);

export function positionView(engine: EngineView, id: number) {
  const position = engine.position(id);
  if (position === undefined) return undefined;
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
    value: formatMoney(engine.positionValue(id)!),
  };
}

/** A withdrawal as the API shows it: its scheme day and the tenant's local date of that day. */
export const withdrawalJson = (calendar: TenantCalendar) => (w: WithdrawalView) => ({
  id: w.id,
  member: w.member,
  amount: formatMoney(w.amount),
  day: w.day,
  date: calendar.dateOfDay(w.day),
  status: w.status,
});

export function withdrawalView(engine: EngineView, id: number, calendar: TenantCalendar) {
  const w = engine.withdrawal(id);
  return w === undefined ? undefined : withdrawalJson(calendar)(w);
}

export function accountsView(engine: EngineView): Record<string, string> {
  return Object.fromEntries(
    Object.entries(engine.accounts)
      // The prepaid accounts show once used, as in the engine's own state (older answers unchanged).
      .filter(([name, value]) => value !== 0n || !name.startsWith("prepaid"))
      .map(([name, value]) => [name, formatMoney(value)]),
  );
}

/** The release tier that applies to a member now, as the engine reads it from the tier table. */
export function releaseView(engine: EngineView, memberId: string) {
  const release = engine.rules.release;
  const member = engine.member(memberId);
  if (release === null || member === undefined) return null;
  const rate = engine.releaseRate(memberId)!;
  return {
    mode: release.mode,
    releaseRate: formatRatio(rate),
    tiers: release.tiers.map((t) => ({ minHealth: formatHealth(t.minHealth), rate: formatRatio(t.rate) })),
  };
}

export function memberView(engine: EngineView, memberId: string) {
  const member = engine.member(memberId);
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
    positions: member.positions,
    releaseRate: release?.releaseRate ?? null,
    tiers: release?.tiers ?? null,
    price: formatPrice(engine.priceUnits()),
  };
}

/**
 * A merchant's three engine balances: settlement (money credited to the merchant), tip points held
 * and shares (tip points converted at listing). Zeros for a merchant the engine has not met yet.
 */
export function merchantBalanceView(engine: EngineView, merchantId: string) {
  // `merchantBalance`, never `engine.merchant(id)`: that one adds a missing merchant to the state,
  // and a read must leave the engine exactly as the journal made it.
  const merchant = engine.merchantBalance(merchantId);
  return {
    settlement: formatMoney(merchant?.settlement ?? 0n),
    points: formatPoints(merchant?.points ?? 0n),
    shares: formatPoints(merchant?.shares ?? 0n),
  };
}

export function marketView(engine: EngineView) {
  return {
    day: engine.day,
    period: engine.period,
    listed: engine.listed,
    pool: formatMoney(engine.pool),
    supply: formatPoints(engine.supply),
    price: formatPrice(engine.priceUnits()),
    supplyValue: formatMoney(engine.supplyValue()),
  };
}

export function totalsView(engine: EngineView) {
  const a = engine.accounts;
  return {
    paidIn: {
      members: formatMoney(a.paidByMembers),
      financing: formatMoney(a.financingIn),
      merchants: formatMoney(a.paidByMerchants),
      debtSettlement: formatMoney(a.debtSettlement),
      merchantsPrepaid: formatMoney(a.prepaidIn),
    },
    paidOut: {
      withdrawn: formatMoney(a.withdrawn),
      withdrawalsPending: formatMoney(a.withdrawalsPending),
      merchantSettlements: formatMoney(a.merchantSettlements),
      distribution: formatMoney(a.distribution),
      platformRevenue: formatMoney(a.platformRevenue),
      ordersRefunded: formatMoney(a.ordersRefunded),
    },
    held: {
      pool: formatMoney(a.pool),
      wallets: formatMoney(a.wallets),
      subsidyBudget: formatMoney(a.subsidyBudget),
      equity: formatMoney(a.equity),
      ordersAwaitingSettlement: formatMoney(a.ordersAwaitingSettlement),
      merchantsPrepaid: formatMoney(a.prepaidHeld),
    },
  };
}

export const rulesView = (engine: EngineView) => ruleSetToJson(engine.rules);
