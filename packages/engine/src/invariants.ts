/**
 * Every invariant the engine promises, checked by brute force over the whole state. Used by the
 * tests after every event, by `zengzhi verify` on the ledger and by the simulator at the end of a run.
 */
import { RATIO_SCALE, formatMoney } from "./decimal.js";
import type { Engine } from "./engine.js";
import { coreOf } from "./internal.js";
import { FLAG_TIPPED } from "./positions.js";
import { POSITION_OPEN } from "./types.js";
import { prepaidProblems } from "./prepaid.js";

/** Cash paid in from outside, in fen. */
export function cashIn(engine: Engine): bigint {
  const a = coreOf(engine).accounts;
  return a.paidByMembers + a.financingIn + a.debtSettlement + a.paidByMerchants + a.prepaidIn;
}

/** Cash held in every account, in fen. */
export function cashHeld(engine: Engine): bigint {
  const a = coreOf(engine).accounts;
  return (
    a.pool +
    a.wallets +
    a.withdrawalsPending +
    a.withdrawn +
    a.merchantSettlements +
    a.distribution +
    a.platformRevenue +
    a.subsidyBudget +
    a.equity +
    a.ordersAwaitingSettlement +
    a.ordersRefunded +
    a.prepaidHeld
  );
}

/** Open positions that qualify for a forced exit, found by scanning all of them (for checks). */
export function qualifyingByScan(engine: Engine): number[] {
  const core = coreOf(engine);
  if (core.supply === 0n) return [];
  const pool = core.accounts.pool;
  const supply = core.supply;
  const multiple = core.rules.exitMultiple;
  // A float estimate skips positions clearly short of their exit; only those within one part in a
  // million of it are checked exactly.
  const priceApprox = Number(pool) / Number(supply);
  const multipleApprox = Number(multiple) / Number(RATIO_SCALE);
  const ids: number[] = [];
  const t = core.table;
  for (let i = 0; i < t.length; i++) {
    if (t.status[i] !== POSITION_OPEN || (t.flags[i]! & FLAG_TIPPED) !== 0 || t.points[i] === 0n) continue;
    const spend = Number(t.spend[i]!);
    const worth = Number(t.soldGrossOf(i)) + Number(t.points[i]!) * priceApprox;
    if (worth < multipleApprox * spend * (1 - 1e-6)) continue;
    const value = t.soldGrossOf(i) * RATIO_SCALE * supply + RATIO_SCALE * t.points[i]! * pool;
    if (value >= multiple * t.spend[i]! * supply) ids.push(i + 1);
  }
  return ids;
}

/** Returns a list of broken invariants (empty when the state is sound). */
export function checkInvariants(engine: Engine): string[] {
  const broken: string[] = [];
  const core = coreOf(engine);
  const a = core.accounts;
  const inn = cashIn(engine);
  const held = cashHeld(engine);
  if (inn !== held) broken.push(`cash not conserved: paid in ${formatMoney(inn)}, held ${formatMoney(held)}`);
  for (const [name, value] of Object.entries(a)) {
    if ((value as bigint) < 0n) broken.push(`account ${name} is negative (${formatMoney(value as bigint)})`);
  }
  if (core.supply < 0n) broken.push("supply is negative");

  let wallets = 0n;
  let coins = 0n;
  for (const member of core.members.values()) {
    if (member.wallet < 0n) broken.push(`member ${member.id} wallet is negative`);
    if (member.coins < 0n) broken.push(`member ${member.id} coins are negative`);
    wallets += member.wallet;
    coins += member.coins;
  }
  if (wallets !== a.wallets)
    broken.push(`wallets add up to ${formatMoney(wallets)}, account says ${formatMoney(a.wallets)}`);
  if (coins + core.coins.redeemed !== core.coins.imported) broken.push("legacy coins not conserved");

  let settlements = 0n;
  let supply = 0n;
  for (const merchant of core.merchants.values()) {
    if (merchant.points < 0n) broken.push(`merchant ${merchant.id} points are negative`);
    settlements += merchant.settlement;
    supply += merchant.points;
  }
  if (settlements !== a.merchantSettlements)
    broken.push("merchant settlements do not add up to their account");

  const t = core.table;
  // How often each position appears live in the exit index (a byte per position, not a Set).
  const indexed = new Uint8Array(t.length);
  for (const i of core.exitIndex.live()) {
    if (indexed[i] !== 0) broken.push(`position ${i + 1} is indexed twice`);
    indexed[i] = 1;
  }
  for (let i = 0; i < t.length; i++) {
    const points = t.points[i]!;
    const locked = t.locked[i]!;
    if (points < 0n || locked < 0n || locked > points) {
      broken.push(`position ${i + 1} has points ${points} and locked ${locked}`);
    }
    if (t.status[i] !== POSITION_OPEN) {
      if (indexed[i] !== 0) broken.push(`closed position ${i + 1} is still in the exit index`);
      continue;
    }
    supply += points;
    const shouldIndex = (t.flags[i]! & FLAG_TIPPED) === 0 && points > 0n;
    if (shouldIndex !== (indexed[i] !== 0))
      broken.push(`position ${i + 1} is ${shouldIndex ? "missing from" : "wrongly in"} the exit index`);
  }
  if (supply !== core.supply) broken.push(`positions hold ${supply} point units, supply says ${core.supply}`);
  broken.push(...positionCountProblems(engine));

  let pending = 0n;
  let withdrawn = 0n;
  for (const w of core.withdrawals) {
    if (w.status === "pending") pending += w.amount;
    if (w.status === "approved" || w.status === "paid") withdrawn += w.amount;
  }
  if (pending !== a.withdrawalsPending || withdrawn !== a.withdrawn) broken.push("withdrawals do not add up");

  broken.push(...onlineOrderProblems(engine));
  broken.push(...prepaidProblems(core));

  const overdue = qualifyingByScan(engine);
  if (overdue.length > 0)
    broken.push(`positions ${overdue.join(", ")} qualify for a forced exit but are open`);
  if (core.listed && (core.accounts.pool !== 0n || core.supply !== 0n))
    broken.push("listed, yet pool or supply remain");
  return broken;
}

/** Each member's position count equals the positions the table gives it and the length of its list. */
function positionCountProblems(engine: Engine): string[] {
  const core = coreOf(engine);
  const t = core.table;
  const counts = new Int32Array(core.memberList.length);
  for (let i = 0; i < t.length; i++) counts[t.member[i]!]!++;
  const broken: string[] = [];
  for (const member of core.memberList) {
    let listed = 0;
    for (let id = member.lastPosition; id !== 0; id = t.previousOfMember[id - 1]!) listed++;
    if (member.positionCount !== counts[member.index] || member.positionCount !== listed)
      broken.push(
        `member ${member.id} counts ${member.positionCount} positions, holds ${counts[member.index]}`,
      );
  }
  return broken;
}

/** Online orders: held and refunded cash add up, waiting orders are due later, settled ones opened a position. */
function onlineOrderProblems(engine: Engine): string[] {
  const core = coreOf(engine);
  const broken: string[] = [];
  let awaiting = 0n;
  let refunded = 0n;
  for (const o of core.onlineOrders.values()) {
    if (o.status === "paid") {
      awaiting += o.amount;
      if (o.settleDay <= core.day)
        broken.push(`online order ${o.order} is past its settle day and unsettled`);
      if (!core.awaiting.includes(o)) broken.push(`online order ${o.order} is not waiting for settlement`);
    }
    if (o.status === "refunded") refunded += o.amount;
    if (o.status === "settled" && (o.position < 1 || o.position > core.table.length))
      broken.push(`settled online order ${o.order} names no position`);
  }
  const a = core.accounts;
  if (awaiting !== a.ordersAwaitingSettlement) broken.push("online orders awaiting settlement do not add up");
  if (refunded !== a.ordersRefunded) broken.push("refunded online orders do not add up");
  return broken;
}
