/**
 * The engine's state as JSON: the output of `zengzhi replay` and the snapshot the ledger stores.
 * `engineFromJson(engineToJson(e))` rebuilds an engine that behaves identically.
 */
import { type PrepaidJson, prepaidToJson, restorePrepaid } from "./prepaid.js";
import { lockedNow } from "./release.js";
import { rebuildExitIndex } from "./sell.js";
import {
  HEALTH_DECIMALS,
  formatDecimal,
  formatHealth,
  formatMoney,
  formatPoints,
  parseDecimal,
} from "./decimal.js";
import { Engine } from "./engine.js";
import type { EngineView } from "./view.js";
import { type EngineCore, coreOf } from "./internal.js";
import { splitJson } from "./commands.js";
import { PRICE_DECIMALS, loadRuleSet, parseSplit, ruleSetToJson } from "./rules.js";
import { CLOSE_REASONS, FLAG_TIPPED } from "./positions.js";
import {
  type Accounts,
  type Member,
  type OnlineOrder,
  POSITION_OPEN,
  STATUS_NAMES,
  type Withdrawal,
} from "./types.js";

const m = formatMoney;
const p = formatPoints;

export function accountsToJson(a: Accounts): Record<keyof Accounts, string> {
  // The prepaid accounts appear only once they hold something, so older states keep their bytes.
  const later = new Set(["prepaidIn", "prepaidHeld"]);
  const entries = Object.entries(a).filter(([k, v]) => v !== 0n || !later.has(k));
  return Object.fromEntries(entries.map(([k, v]) => [k, m(v as bigint)])) as Record<keyof Accounts, string>;
}

/**
 * The whole state as JSON, read without changing anything: locked points are given as of today
 * (computed, as the lazy release would write them), so the text is canonical.
 */
export function engineToJson(engine: EngineView) {
  const core = coreOf(engine);
  const holdings = new Map<Member, { points: bigint; locked: bigint }>();
  const t = core.table;
  for (let i = 0; i < t.length; i++) {
    if (t.status[i] !== POSITION_OPEN) continue;
    const member = core.memberList[t.member[i]!]!;
    const h = holdings.get(member) ?? { points: 0n, locked: 0n };
    h.points += t.points[i]!;
    h.locked += lockedNow(core, i);
    holdings.set(member, h);
  }
  const members: Record<string, unknown> = {};
  for (const member of core.members.values()) {
    const h = holdings.get(member) ?? { points: 0n, locked: 0n };
    members[member.id] = {
      wallet: m(member.wallet),
      points: p(h.points),
      locked: p(h.locked),
      health: formatHealth(member.health),
      coins: m(member.coins),
      shares: p(member.shares),
      inviter: member.inviter,
      orders: member.orders,
      withdrawDay: member.withdrawDay,
      withdrawnToday: m(member.withdrawnToday),
    };
  }
  const merchants: Record<string, unknown> = {};
  for (const merchant of core.merchants.values()) {
    merchants[merchant.id] = {
      settlement: m(merchant.settlement),
      points: p(merchant.points),
      shares: p(merchant.shares),
    };
  }
  return {
    day: core.day,
    period: core.period,
    listed: core.listed,
    pool: m(core.accounts.pool),
    supply: p(core.supply),
    price: formatDecimal(core.priceUnits(), PRICE_DECIMALS),
    rules: ruleSetToJson(core.rules),
    accounts: accountsToJson(core.accounts),
    coins: { imported: m(core.coins.imported), redeemed: m(core.coins.redeemed) },
    members,
    merchants,
    positions: Array.from({ length: t.length }, (_, i) => positionToJson(core, i)),
    withdrawals: core.withdrawals.map(withdrawalToJson),
    onlineOrders: [...core.onlineOrders.values()].map(onlineOrderToJson),
    ...(core.prepaid.used ? { prepaid: prepaidToJson(core.prepaid) } : {}),
  };
}

export type EngineJson = ReturnType<typeof engineToJson>;

/** One position as JSON (the replay contract: id, member, spend, points, status, and more). */
function positionToJson(core: EngineCore, i: number) {
  const t = core.table;
  const locked = t.status[i] === POSITION_OPEN ? lockedNow(core, i) : t.locked[i]!;
  return {
    id: i + 1,
    member: core.memberList[t.member[i]!]!.id,
    spend: m(t.spend[i]!),
    points: p(t.points[i]!),
    status: STATUS_NAMES[t.status[i]!]!,
    locked: p(locked),
    lockedOriginal: p(t.lockedOriginal[i]!),
    // Release brought up to date is written as of today; canonical while nothing is locked.
    lockDay: locked > 0n ? core.day : t.day[i]!,
    soldGross: m(t.soldGrossOf(i)),
    day: t.day[i]!,
    tipped: (t.flags[i]! & FLAG_TIPPED) !== 0,
    closeReason: CLOSE_REASONS[t.closeReason[i]!]!,
  };
}

/** One online order as JSON; the compact snapshot stores the same fields as an array. */
export function onlineOrderToJson(o: OnlineOrder) {
  return {
    order: o.order,
    member: o.member,
    amount: m(o.amount),
    merchant: o.merchant ?? null,
    split: o.split === undefined ? null : splitJson(o.split),
    paidDay: o.paidDay,
    settleDay: o.settleDay,
    status: o.status,
    position: o.position,
    points: p(o.points),
  };
}

export type OnlineOrderJson = ReturnType<typeof onlineOrderToJson>;

/** Restores online orders (stored JSON from before they existed has none). */
export function restoreOnlineOrders(core: EngineCore, orders: readonly OnlineOrderJson[] | undefined): void {
  for (const j of orders ?? []) {
    const order: OnlineOrder = {
      order: j.order,
      member: j.member,
      amount: money(j.amount),
      merchant: j.merchant ?? undefined,
      split: j.split === null ? undefined : parseSplit(j.split),
      paidDay: j.paidDay,
      settleDay: j.settleDay,
      status: j.status,
      position: j.position,
      points: pts(j.points),
    };
    core.onlineOrders.set(order.order, order);
    if (order.status === "paid") core.awaiting.push(order);
  }
}

function withdrawalToJson(w: Withdrawal) {
  return { id: w.id, member: w.member.id, amount: m(w.amount), day: w.day, status: w.status };
}

const money = (t: string) => parseDecimal(t, 2);
const pts = (t: string) => parseDecimal(t, 8);

/** The engine-wide fields both stored forms (engineToJson and the compact snapshot) hold alike. */
export interface EngineHeaderJson {
  rules: unknown;
  day: number;
  period: number;
  listed: boolean;
  supply: string;
  accounts: Record<string, string>;
  coins: { imported: string; redeemed: string };
}

/** A new engine with the stored rule set and engine-wide fields; members and positions follow. */
export function engineFromHeader(json: EngineHeaderJson): Engine {
  const engine = new Engine(loadRuleSet(json.rules));
  const core = coreOf(engine);
  core.day = json.day;
  core.period = json.period;
  core.listed = json.listed;
  core.supply = pts(json.supply);
  for (const [k, v] of Object.entries(json.accounts)) core.accounts[k as keyof Accounts] = money(v);
  core.coins.imported = money(json.coins.imported);
  core.coins.redeemed = money(json.coins.redeemed);
  return engine;
}

/** Rebuilds an engine from its JSON state (a snapshot). */
export function engineFromJson(json: EngineJson): Engine {
  const engine = engineFromHeader(json);
  const core = coreOf(engine);
  for (const [id, raw] of Object.entries(json.members)) {
    const j = raw as {
      wallet: string;
      health: string;
      coins: string;
      shares: string;
      inviter: string | null;
      orders: number;
      withdrawDay: number;
      withdrawnToday: string;
    };
    const member = core.addMember(id, j.inviter);
    member.wallet = money(j.wallet);
    member.health = parseDecimal(j.health, HEALTH_DECIMALS);
    member.coins = money(j.coins);
    member.shares = pts(j.shares);
    member.orders = j.orders;
    member.withdrawDay = j.withdrawDay;
    member.withdrawnToday = money(j.withdrawnToday);
  }
  for (const [id, raw] of Object.entries(json.merchants)) {
    const j = raw as { settlement: string; points: string; shares: string };
    const merchant = core.merchant(id);
    merchant.settlement = money(j.settlement);
    merchant.points = pts(j.points);
    merchant.shares = pts(j.shares);
  }
  const t = core.table;
  for (const j of json.positions) {
    const member = core.members.get(j.member)!;
    const locked = pts(j.locked);
    const i = t.add(member.index, money(j.spend), pts(j.points), locked, j.day, j.tipped ? FLAG_TIPPED : 0);
    t.lockedOriginal[i] = pts(j.lockedOriginal);
    t.lockDay[i] = j.lockDay;
    t.setSoldGross(i, money(j.soldGross));
    t.status[i] = STATUS_NAMES.indexOf(j.status);
    t.closeReason[i] = CLOSE_REASONS.indexOf(j.closeReason);
    core.linkPosition(member, i);
    if (t.status[i] === POSITION_OPEN && locked > 0n) member.lockedPositions.push(i);
  }
  for (const j of json.withdrawals) {
    core.withdrawals.push({
      id: j.id,
      member: core.members.get(j.member)!,
      amount: money(j.amount),
      day: j.day,
      status: j.status,
    });
  }
  restoreOnlineOrders(core, (json as { onlineOrders?: OnlineOrderJson[] }).onlineOrders);
  restorePrepaid(core, (json as { prepaid?: PrepaidJson }).prepaid);
  rebuildExitIndex(core);
  return engine;
}
