/**
 * Rule 2, selling released points of a position at the current price (rule 3, forced exits, follows in settle).
 */
import { FLAG_TIPPED } from "./positions.js";
import { RATIO_SCALE, ceilDiv } from "./decimal.js";
import { periodReset } from "./financing.js";
import { POSITION_EXITED, POSITION_OPEN } from "./types.js";
import { lockedNow, releaseUpToToday } from "./release.js";
import type { Outcome } from "./types.js";
import { PRICE_DENOMINATOR } from "./core.js";
import { CLOSE_REASON } from "./positions.js";
import { type EngineCore, reject, type Rejected } from "./core.js";
import { POSITION_CLOSED, type Result } from "./types.js";

export function sell(core: EngineCore, memberId: string, positionId: number, amount: bigint): Result {
  const i = sellable(core, memberId, positionId, amount, true);
  if (typeof i !== "number") return i;
  const { net, fee } = sellPoints(core, i, amount, core.rules.sellFee);
  if (core.table.points[i] === 0n) core.close(i, POSITION_CLOSED, CLOSE_REASON.sold);
  else reindex(core, i);
  return settle(core, { ok: true, points: amount, net, fee });
}

/**
 * What selling would pay now, without changing anything: the same checks and arithmetic as a sell
 * (the forced exits the sale might trigger are not run). For showing fee and net before confirming.
 */
export function previewSell(core: EngineCore, memberId: string, positionId: number, amount: bigint): Result {
  if (core.listed) return reject("listed", "the scheme has listed; no event is accepted afterwards");
  const i = sellable(core, memberId, positionId, amount, false);
  if (typeof i !== "number") return i;
  const { gross, net } = proceeds(core, amount, core.rules.sellFee);
  return { ok: true, points: amount, net, fee: gross - net };
}

/**
 * The checks of rule 2: an own open position, a positive amount, released points only. `write`
 * brings the position's lazy release up to date in the table (a sell); a preview only computes it.
 */
export function sellable(
  core: EngineCore,
  memberId: string,
  positionId: number,
  amount: bigint,
  write: boolean,
): number | Rejected {
  const i = core.ownedOpenPosition(memberId, positionId);
  if (typeof i !== "number") return i;
  const t = core.table;
  if (amount <= 0n) return reject("amount_not_positive", "the points to sell must be greater than 0");
  if (amount > t.points[i]!) {
    return reject("insufficient_points", `position ${positionId} holds fewer points than that`);
  }
  let locked: bigint;
  if (write) {
    releaseUpToToday(core, i);
    locked = t.locked[i]!;
  } else locked = lockedNow(core, i);
  if (amount > t.points[i]! - locked) {
    return reject(
      "points_locked",
      `position ${positionId} has locked points; only released points can be sold`,
    );
  }
  return i;
}

/** Rule 2's arithmetic: gross = n × price (floored to the fen), net = (1 − fee) × n × price floored. */
export function proceeds(core: EngineCore, n: bigint, feeRate: bigint): { gross: bigint; net: bigint } {
  const grossScaled = n * core.accounts.pool; // fen × supply
  const gross = grossScaled / core.supply;
  // Without a fee (forced exits by default) net is gross: two bigint products fewer per exit.
  if (feeRate === 0n) return { gross, net: gross };
  return { gross, net: (grossScaled * (RATIO_SCALE - feeRate)) / (core.supply * RATIO_SCALE) };
}

/** Sells n points of position i: the fee stays in the pool, net goes to the member's wallet. */
export function sellPoints(
  core: EngineCore,
  i: number,
  n: bigint,
  feeRate: bigint,
): { net: bigint; fee: bigint } {
  const t = core.table;
  const { gross, net } = proceeds(core, n, feeRate);
  core.accounts.pool -= net;
  core.accounts.wallets += net;
  core.own(core.memberList[t.member[i]!]!).wallet += net;
  core.supply -= n;
  const left = t.points[i]! - n;
  t.points[i] = left;
  if (t.locked[i]! > left) t.locked[i] = left;
  t.setSoldGross(i, t.soldGrossOf(i) + gross);
  return { net, fee: gross - net };
}

export function exitNeed(core: EngineCore, i: number): bigint {
  const target = core.rules.exitMultiple * core.table.spend[i]!;
  return core.table.neverSold(i) ? target : target - core.table.soldGrossOf(i) * RATIO_SCALE;
}

/** need / points as a float, for the exit index's first comparison (exact ties are settled in bigint). */
export function approxKey(core: EngineCore, i: number): number {
  const t = core.table;
  // A position that never sold needs exitMultiple × spend: two floats, no bigint product.
  const need = t.neverSold(i)
    ? Number(core.rules.exitMultiple) * Number(t.spend[i]!)
    : Number(exitNeed(core, i));
  return need / Number(t.points[i]!);
}

/** Compares threshold prices need/points of two positions exactly; ties go to the older one. */
export function compareThresholds(core: EngineCore, i: number, j: number): number {
  const left = exitNeed(core, i) * core.table.points[j]!;
  const right = exitNeed(core, j) * core.table.points[i]!;
  if (left !== right) return left < right ? -1 : 1;
  return i - j;
}

export function indexable(core: EngineCore, i: number): boolean {
  const t = core.table;
  return (
    i >= 0 &&
    i < t.length &&
    t.status[i] === POSITION_OPEN &&
    (t.flags[i]! & FLAG_TIPPED) === 0 &&
    t.points[i]! > 0n
  );
}

/** Exits every qualifying position, lowest threshold first, until none qualifies. */
export function runExits(core: EngineCore, outcome: Outcome): void {
  if (core.options.exitSearch === "scan") return runExitsByScan(core, outcome);
  const index = core.exitIndex;
  const t = core.table;
  const fee = core.rules.exitFeeApplies ? core.rules.sellFee : 0n;
  const payNow = (m: number, cash: bigint) => credit(core, m, cash);
  let exited = 0;
  for (;;) {
    const i = index.peek();
    if (i < 0) break;
    const pool = core.accounts.pool;
    // Qualifies when need / (RATIO_SCALE × points) <= pool / supply. A cheap float test first.
    const priceApprox = (Number(pool) / Number(core.supply)) * 1e9;
    const key = index.topApprox();
    if (key > priceApprox * (1 + 1e-9)) break;
    // Within a part in 1e9 of the price the float cannot tell: the exact test in bigint. Further
    // below, the doubles (each within a few parts in 1e16) already decide it (a financing that lets
    // a million positions out saves four bigint products on each).
    if (
      key >= priceApprox * (1 - 1e-9) &&
      exitNeed(core, i) * core.supply > RATIO_SCALE * t.points[i]! * pool
    )
      break;
    index.pop();
    t.version[i]!++;
    core.credits.add(t.member[i]!, exitPoints(core, i, fee), payNow);
    core.close(i, POSITION_EXITED, CLOSE_REASON.exit, false);
    (outcome.exits ??= []).push(i + 1);
    exited++;
  }
  // The owners' wallets, once each (wallets are not read while the cascade runs).
  if (exited > 0)
    core.accounts.wallets += core.credits.flush((m, cash) => (core.own(core.memberList[m]!).wallet += cash));
}

/** Pays a member at once (a sum beyond a double's exact range), wallets total included. */
function credit(core: EngineCore, m: number, cash: bigint): void {
  core.own(core.memberList[m]!).wallet += cash;
  core.accounts.wallets += cash;
}

/** A forced exit's sale of all of position i's points (sellPoints without the wallet: see runExits). */
function exitPoints(core: EngineCore, i: number, feeRate: bigint): bigint {
  const t = core.table;
  const n = t.points[i]!;
  const { gross, net } = proceeds(core, n, feeRate);
  core.accounts.pool -= net;
  core.supply -= n;
  t.points[i] = 0n;
  t.locked[i] = 0n;
  t.setSoldGross(i, t.soldGrossOf(i) + gross);
  return net;
}

/** The reference cascade: repeatedly scan all positions for the qualifying one with the lowest threshold. */
export function runExitsByScan(core: EngineCore, outcome: Outcome): void {
  const t = core.table;
  for (;;) {
    let best = -1;
    for (let i = 0; i < t.length; i++) {
      if (!indexable(core, i)) continue;
      if (exitNeed(core, i) * core.supply > RATIO_SCALE * t.points[i]! * core.accounts.pool) continue;
      if (best < 0 || compareThresholds(core, i, best) < 0) best = i;
    }
    if (best < 0) return;
    sellPoints(core, best, t.points[best]!, core.rules.exitFeeApplies ? core.rules.sellFee : 0n);
    core.close(best, POSITION_EXITED, CLOSE_REASON.exit);
    (outcome.exits ??= []).push(best + 1);
  }
}

/** After a command that can raise the price: forced exits, then the period-reset check. */
export function settle(core: EngineCore, outcome: Outcome): Outcome {
  runExits(core, outcome);
  const ceiling = core.rules.priceCeiling;
  if (
    ceiling !== null &&
    core.supply > 0n &&
    core.accounts.pool * PRICE_DENOMINATOR >= ceiling * core.supply
  ) {
    periodReset(core, outcome);
  }
  return outcome;
}

export function reindex(core: EngineCore, i: number): void {
  if ((core.table.flags[i]! & FLAG_TIPPED) !== 0) return;
  core.table.version[i]!++;
  core.exitIndex.invalidate();
  if (indexable(core, i)) core.exitIndex.push(i, approxKey(core, i));
}

/**
 * The price (1e-8 yuan per point, rounded up) at which an open position force-exits, or null for
 * positions that never do (tipped, closed, or without points).
 */
export function exitThreshold(core: EngineCore, id: number): bigint | null {
  const i = id - 1;
  if (!indexable(core, i)) return null;
  const need = exitNeed(core, i);
  if (need <= 0n) return 0n;
  return ceilDiv(need * PRICE_DENOMINATOR, RATIO_SCALE * core.table.points[i]!);
}

/** Rebuilds the exit index from the positions (after a restore or an exitMultiple change). */
export function rebuildExitIndex(core: EngineCore): void {
  core.exitIndex.clear();
  for (let i = 0; i < core.table.length; i++) {
    if (!indexable(core, i)) continue;
    core.table.version[i]!++;
    core.exitIndex.push(i, approxKey(core, i));
  }
}
