/**
 * The engine's state as JSON: the output of `zengzhi replay` and the snapshot the ledger stores.
 * `engineFromJson(engineToJson(e))` rebuilds an engine that behaves identically.
 */
import { HEALTH_DECIMALS, formatDecimal, formatHealth, formatMoney, formatPoints, parseDecimal } from "./decimal.js";
import { Engine } from "./engine.js";
import { PRICE_DECIMALS, loadRuleSet, ruleSetToJson } from "./rules.js";
import { type Accounts, type Member, POSITION_OPEN, type Position, STATUS_NAMES, type Withdrawal } from "./types.js";

const m = formatMoney;
const p = formatPoints;

export function accountsToJson(a: Accounts): Record<keyof Accounts, string> {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, m(v as bigint)])) as Record<keyof Accounts, string>;
}

export function engineToJson(engine: Engine) {
  engine.releaseAll();
  const holdings = new Map<Member, { points: bigint; locked: bigint }>();
  for (const position of engine.positions) {
    if (position.status !== POSITION_OPEN) continue;
    const h = holdings.get(position.member) ?? { points: 0n, locked: 0n };
    h.points += position.points;
    h.locked += position.locked;
    holdings.set(position.member, h);
  }
  const members: Record<string, unknown> = {};
  for (const member of engine.members.values()) {
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
  for (const merchant of engine.merchants.values()) {
    merchants[merchant.id] = { settlement: m(merchant.settlement), points: p(merchant.points), shares: p(merchant.shares) };
  }
  return {
    day: engine.day,
    period: engine.period,
    listed: engine.listed,
    pool: m(engine.pool),
    supply: p(engine.supply),
    price: formatDecimal(engine.priceUnits(), PRICE_DECIMALS),
    rules: ruleSetToJson(engine.rules),
    accounts: accountsToJson(engine.accounts),
    coins: { imported: m(engine.coins.imported), redeemed: m(engine.coins.redeemed) },
    members,
    merchants,
    positions: engine.positions.map(positionToJson),
    withdrawals: engine.withdrawals.map(withdrawalToJson),
  };
}

export type EngineJson = ReturnType<typeof engineToJson>;

export function positionToJson(position: Position) {
  return {
    id: position.id,
    member: position.member.id,
    spend: m(position.spend),
    points: p(position.points),
    status: STATUS_NAMES[position.status],
    locked: p(position.locked),
    lockedOriginal: p(position.lockedOriginal),
    lockDay: position.lockDay,
    soldGross: m(position.soldGross),
    day: position.day,
    tipped: position.tipped,
    closeReason: position.closeReason,
  };
}

function withdrawalToJson(w: Withdrawal) {
  return { id: w.id, member: w.member.id, amount: m(w.amount), day: w.day, status: w.status };
}

const money = (t: string) => parseDecimal(t, 2);
const pts = (t: string) => parseDecimal(t, 8);

/** Rebuilds an engine from its JSON state (a snapshot). */
export function engineFromJson(json: EngineJson): Engine {
  const engine = new Engine(loadRuleSet(json.rules));
  engine.day = json.day;
  engine.period = json.period;
  engine.listed = json.listed;
  engine.supply = pts(json.supply);
  for (const [k, v] of Object.entries(json.accounts)) engine.accounts[k as keyof Accounts] = money(v);
  engine.coins.imported = money(json.coins.imported);
  engine.coins.redeemed = money(json.coins.redeemed);
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
    const member = engine.addMember(id, j.inviter);
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
    const merchant = engine.merchant(id);
    merchant.settlement = money(j.settlement);
    merchant.points = pts(j.points);
    merchant.shares = pts(j.shares);
  }
  for (const j of json.positions) {
    const member = engine.members.get(j.member)!;
    const position: Position = {
      id: j.id,
      member,
      spend: money(j.spend),
      day: j.day,
      points: pts(j.points),
      locked: pts(j.locked),
      lockedOriginal: pts(j.lockedOriginal),
      lockDay: j.lockDay,
      soldGross: money(j.soldGross),
      status: STATUS_NAMES.indexOf(j.status) as Position["status"],
      closeReason: j.closeReason,
      need: 0n,
      version: 0,
      tipped: j.tipped,
    };
    engine.positions.push(position);
    member.positions.push(position.id);
    if (position.status === POSITION_OPEN && position.locked > 0n) member.lockedPositions.push(position);
  }
  for (const j of json.withdrawals) {
    engine.withdrawals.push({
      id: j.id,
      member: engine.members.get(j.member)!,
      amount: money(j.amount),
      day: j.day,
      status: j.status,
    });
  }
  engine.rebuildExitIndex();
  return engine;
}
