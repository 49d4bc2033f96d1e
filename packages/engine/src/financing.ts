/**
 * Rule 4, financing, and rule 5, listing (the period reset is the core's settle step).
 */
import type { Outcome } from "./types.js";
import { settle } from "./sell.js";
import { POSITION_EXITED } from "./types.js";
import { CLOSE_REASON } from "./positions.js";
import { type EngineCore, reject, tooLarge } from "./core.js";
import { RATIO_SCALE } from "./decimal.js";
import { AMOUNT_MAX } from "./limits.js";
import { POSITION_CLOSED, POSITION_OPEN, type Result } from "./types.js";
import { refundOnline } from "./online-orders.js";

export function financing(core: EngineCore, toPool: bigint, toSubsidy: bigint): Result {
  if (toPool < 0n || toSubsidy < 0n || toPool + toSubsidy === 0n) {
    return reject(
      "amount_not_positive",
      "financing must bring a positive amount, and neither part may be negative",
    );
  }
  if (toPool > AMOUNT_MAX || toSubsidy > AMOUNT_MAX) return tooLarge();
  core.accounts.financingIn += toPool + toSubsidy;
  core.accounts.pool += toPool;
  core.accounts.subsidyBudget += toSubsidy;
  return settle(core, { ok: true });
}

export function listing(core: EngineCore, sharesPerPoint: bigint): Result {
  if (sharesPerPoint <= 0n) return reject("amount_not_positive", "sharesPerPoint must be greater than 0");
  const t = core.table;
  // Whole shares per point (the usual case): each position's shares are points × k exactly, so a
  // member's shares are k × the sum of their open points, summed in doubles while exact. Otherwise
  // each position's shares are floored on their own.
  const whole = sharesPerPoint % RATIO_SCALE === 0n ? sharesPerPoint / RATIO_SCALE : null;
  const sums = whole === null ? null : openPointsByMember(core);
  if (sums !== null && whole !== null) {
    for (let m = 0; m < sums.length; m++) {
      if (sums[m]! > 0) core.own(core.memberList[m]!).shares += BigInt(sums[m]!) * whole;
    }
  }
  for (let i = 0; i < t.length; i++) {
    if (t.status[i] !== POSITION_OPEN) continue;
    if (sums === null)
      core.own(core.memberList[t.member[i]!]!).shares += (t.points[i]! * sharesPerPoint) / RATIO_SCALE;
    t.points[i] = 0n;
    t.locked[i] = 0n;
    core.close(i, POSITION_CLOSED, CLOSE_REASON.listing, false);
  }
  for (const merchant of core.merchants.values()) {
    merchant.shares += (merchant.points * sharesPerPoint) / RATIO_SCALE;
    merchant.points = 0n;
  }
  core.accounts.equity += core.accounts.pool;
  core.accounts.pool = 0n;
  core.supply = 0n;
  core.listed = true;
  // No command follows listing: online orders still inside their window are paid back.
  for (const order of core.awaiting) if (order.status === "paid") refundOnline(core, order);
  core.awaiting = [];
  core.exitIndex.clear();
  return { ok: true };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const TWO_32 = 2 ** 32;

/**
 * Each member's open points summed as doubles (exact integers below 2^53), reading the points
 * column's 64-bit words as two 32-bit halves so no bigint is made per position; null when a
 * position or a sum could leave the exact range (the caller then works in bigint).
 */
function openPointsByMember(core: EngineCore): Float64Array | null {
  const t = core.table;
  if (!LITTLE_ENDIAN) return null;
  const words = new Int32Array(t.points.buffer, t.points.byteOffset, t.length * 2);
  const sums = new Float64Array(core.memberList.length);
  for (let i = 0; i < t.length; i++) {
    if (t.status[i] !== POSITION_OPEN) continue;
    const high = words[2 * i + 1]!;
    if (high < 0 || high >= 1 << 21) return null;
    const m = t.member[i]!;
    const sum = sums[m]! + high * TWO_32 + (words[2 * i]! >>> 0);
    if (sum > Number.MAX_SAFE_INTEGER) return null;
    sums[m] = sum;
  }
  return sums;
}

/** Period reset: every open position and merchant balance is cashed out at the current price, no fee. */
export function periodReset(core: EngineCore, outcome: Outcome): void {
  const t = core.table;
  const pool = core.accounts.pool;
  const supply = core.supply;
  let paid = 0n;
  for (let i = 0; i < t.length; i++) {
    if (t.status[i] !== POSITION_OPEN) continue;
    const points = t.points[i]!;
    if (points > 0n) {
      const net = (points * pool) / supply;
      t.setSoldGross(i, t.soldGrossOf(i) + net);
      core.own(core.memberList[t.member[i]!]!).wallet += net;
      core.accounts.wallets += net;
      paid += net;
      t.points[i] = 0n;
      t.locked[i] = 0n;
    }
    core.close(i, POSITION_EXITED, CLOSE_REASON.reset, false);
    (outcome.exits ??= []).push(i + 1);
  }
  for (const merchant of core.merchants.values()) {
    if (merchant.points === 0n) continue;
    const net = (merchant.points * pool) / supply;
    merchant.settlement += net;
    core.accounts.merchantSettlements += net;
    paid += net;
    merchant.points = 0n;
  }
  core.accounts.pool = pool - paid;
  core.supply = 0n;
  core.period++;
  core.exitIndex.clear();
  outcome.reset = true;
}
