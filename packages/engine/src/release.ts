/**
 * Rule 6, the day clock (release itself is lazy: see the core), and rule 7's join with an inviter.
 */
import type { Member } from "./types.js";
import { RATIO_SCALE, ceilDiv } from "./decimal.js";
import { POSITION_OPEN } from "./types.js";
import { type EngineCore, reject } from "./core.js";
import { ADVANCE_DAYS_MAX } from "./limits.js";
import { type Outcome, type Result } from "./types.js";
import { settleDue } from "./online-orders.js";

export function advance(core: EngineCore, days: number): Result {
  if (!Number.isSafeInteger(days) || days < 1 || days > ADVANCE_DAYS_MAX) {
    return reject("invalid_days", `advance takes a whole number of days from 1 to ${ADVANCE_DAYS_MAX}`);
  }
  // Release is lazy: a position's locked points are brought up to date when it is read or sold, or
  // when its member's tier changes, so a day boundary costs nothing here.
  const target = core.day + days;
  const outcome: Outcome = { ok: true };
  if (core.awaiting.length > 0) settleDue(core, target, outcome);
  core.day = target;
  return outcome;
}

export function join(core: EngineCore, memberId: string, inviterId: string | undefined): Result {
  if (core.members.has(memberId)) return reject("member_exists", `member ${memberId} already exists`);
  if (inviterId !== undefined) {
    if (inviterId === memberId) return reject("self_invite", "a member cannot invite itself");
    if (!core.members.has(inviterId))
      return reject("unknown_inviter", `inviter ${inviterId} is not a member`);
  }
  core.addMember(memberId, inviterId ?? null);
  return { ok: true };
}

/** The share of locked points a member's positions release per day now (null while release is off). */
export function releaseRate(core: EngineCore, memberId: string): bigint | null {
  const member = core.members.get(memberId);
  return core.rules.release === null || member === undefined ? null : tierRate(core, member);
}

export function tierRate(core: EngineCore, member: Member): bigint {
  const tiers = core.rules.release!.tiers;
  let rate = tiers[0]!.rate;
  for (const tier of tiers) if (member.health >= tier.minHealth) rate = tier.rate;
  return rate;
}

/**
 * Applies the days of release position i has not seen yet, at its member's current tier. Released
 * amounts are rounded up: release moves no cash, and rounding up lets every lock run out.
 */
export function releaseUpToToday(core: EngineCore, i: number): void {
  const t = core.table;
  const days = core.day - t.lockDay[i]!;
  if (days <= 0 || t.locked[i] === 0n) return;
  t.lockDay[i] = core.day;
  t.locked[i] = lockedAfter(core, i, days);
}

/** Position i's locked points after `days` more days of release at its member's current tier. */
export function lockedAfter(core: EngineCore, i: number, days: number): bigint {
  const t = core.table;
  let locked = t.locked[i]!;
  const release = core.rules.release;
  if (release === null) return 0n;
  const rate = tierRate(core, core.memberList[t.member[i]!]!);
  if (release.mode === "percentOfOriginal") {
    const total = ceilDiv(t.lockedOriginal[i]! * rate, RATIO_SCALE) * BigInt(days);
    return total >= locked ? 0n : locked - total;
  }
  for (let d = 0; d < days && locked > 0n; d++) locked -= ceilDiv(locked * rate, RATIO_SCALE);
  return locked;
}

/** Position i's locked points today, computed without writing (the table holds them as of lockDay). */
export function lockedNow(core: EngineCore, i: number): bigint {
  const t = core.table;
  const days = core.day - t.lockDay[i]!;
  if (days <= 0 || t.locked[i] === 0n) return t.locked[i]!;
  return lockedAfter(core, i, days);
}

/**
 * The release schedule of a position: its locked points after each of the given numbers of days
 * from today, if its member's health tier stays as it is. Changes nothing: release from lockDay
 * over elapsed + d days equals release to today followed by d days (the tier is fixed meanwhile,
 * since a tier change brings release up to date first).
 */
export function releaseSchedule(core: EngineCore, id: number, days: readonly number[]): bigint[] {
  if (!Number.isSafeInteger(id) || id < 1 || id > core.table.length) return days.map(() => 0n);
  const i = id - 1;
  const t = core.table;
  if (t.status[i] !== POSITION_OPEN) return days.map(() => 0n);
  const elapsed = Math.max(0, core.day - t.lockDay[i]!);
  return days.map((d) => {
    const total = elapsed + Math.max(0, d);
    return total === 0 || t.locked[i] === 0n ? t.locked[i]! : lockedAfter(core, i, total);
  });
}

/** Brings every locked position of a member up to date (before its tier changes). */
export function releaseMember(core: EngineCore, member: Member): void {
  if (member.lockedPositions.length === 0) return;
  const still: number[] = [];
  for (const i of member.lockedPositions) {
    if (core.table.status[i] !== POSITION_OPEN) continue;
    releaseUpToToday(core, i);
    if (core.table.locked[i]! > 0n) still.push(i);
  }
  // `still` keeps a subsequence of the list: the same length means the same list (a fork then
  // need not copy the member).
  if (still.length !== member.lockedPositions.length) core.own(member).lockedPositions = still;
}

/** Brings every position's release up to date (for reading the whole state). */
export function releaseAll(core: EngineCore): void {
  if (core.rules.release === null) return;
  for (const member of core.memberList) releaseMember(core, member);
}

export function raiseHealth(core: EngineCore, member: Member, by: bigint): void {
  if (by === 0n) return;
  if (core.rules.release !== null) releaseMember(core, member);
  core.own(member).health += by;
}
