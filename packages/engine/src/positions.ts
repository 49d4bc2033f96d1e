/**
 * Positions stored as columns: typed arrays for the numbers, so a million open positions hold no
 * per-position heap objects (the garbage collector has nothing to trace) and fit in about 70 bytes
 * each. Position id = index + 1.
 *
 * spend, points, locked and lockedOriginal are 64-bit; the engine refuses any command that would put a
 * larger value there (rejection `amount_too_large`). soldGross, which can grow without bound, is a
 * 64-bit column too, with the rare value beyond it in a Map (`soldGrossOf` / `setSoldGross`): a
 * forced exit writes a number into a column rather than a fresh bigint into an old array, which the
 * garbage collector would have to remember (a million exits cost seconds of collection).
 */
import type { CloseReason } from "./types.js";

export const FLAG_TIPPED = 1;
const SOLD_SMALL_MAX = 2n ** 63n - 1n;
/** Why a position closed, as stored in its closeReason column (0: still open). */
export const CLOSE_REASON = { sold: 1, exit: 2, reset: 3, listing: 4, void: 5 } as const satisfies Record<
  CloseReason,
  number
>;
export type CloseReasonCode = (typeof CLOSE_REASON)[CloseReason];

/** The names of the codes above, by code (index 0 is an open position's null). */
export const CLOSE_REASONS: (CloseReason | null)[] = [null, "sold", "exit", "reset", "listing", "void"];

export class PositionTable {
  length = 0;
  member = new Int32Array(1024);
  spend = new BigInt64Array(1024);
  points = new BigInt64Array(1024);
  locked = new BigInt64Array(1024);
  lockedOriginal = new BigInt64Array(1024);
  private soldSmall = new BigInt64Array(1024);
  /** soldSmall's words as 32-bit halves: `neverSold` reads them without making a bigint. */
  private soldWords = new Int32Array(this.soldSmall.buffer);
  private soldBig = new Map<number, bigint>();
  day = new Int32Array(1024);
  lockDay = new Int32Array(1024);
  version = new Int32Array(1024);
  status = new Uint8Array(1024);
  flags = new Uint8Array(1024);
  closeReason = new Uint8Array(1024);
  /** Id of the same member's previous position (0 for none): each member's positions as a linked list. */
  previousOfMember = new Int32Array(1024);

  /**
   * A copy of the table (a fork's own columns: one memory copy per column). With `into`, the copy
   * reuses that table's columns where they are large enough: a fork made again and again (previews)
   * then allocates nothing, and a million positions cost a memory copy, not a garbage collection.
   */
  copy(into: PositionTable = new PositionTable()): PositionTable {
    const n = this.length;
    const fit = <T extends Int32Array | BigInt64Array | Uint8Array>(source: T, target: T): T => {
      if (target.length < source.length) return source.slice() as T;
      target.set(source.subarray(0, n) as never);
      return target;
    };
    into.length = n;
    into.member = fit(this.member, into.member);
    into.spend = fit(this.spend, into.spend);
    into.points = fit(this.points, into.points);
    into.locked = fit(this.locked, into.locked);
    into.lockedOriginal = fit(this.lockedOriginal, into.lockedOriginal);
    into.soldSmall = fit(this.soldSmall, into.soldSmall);
    into.soldWords = new Int32Array(
      into.soldSmall.buffer,
      into.soldSmall.byteOffset,
      into.soldSmall.length * 2,
    );
    into.soldBig = new Map(this.soldBig);
    into.day = fit(this.day, into.day);
    into.lockDay = fit(this.lockDay, into.lockDay);
    into.version = fit(this.version, into.version);
    into.status = fit(this.status, into.status);
    into.flags = fit(this.flags, into.flags);
    into.closeReason = fit(this.closeReason, into.closeReason);
    into.previousOfMember = fit(this.previousOfMember, into.previousOfMember);
    return into;
  }

  /** fen the position's points have fetched so far (gross, before fees). */
  soldGrossOf(i: number): bigint {
    if (this.soldBig.size > 0) {
      const big = this.soldBig.get(i);
      if (big !== undefined) return big;
    }
    return this.soldSmall[i]!;
  }

  /** Whether position i's points have fetched nothing yet (soldGross 0), without reading a bigint. */
  neverSold(i: number): boolean {
    if (this.soldWords[2 * i] !== 0 || this.soldWords[2 * i + 1] !== 0) return false;
    return this.soldBig.size === 0 || !this.soldBig.has(i);
  }

  setSoldGross(i: number, value: bigint): void {
    if (value <= SOLD_SMALL_MAX) {
      this.soldSmall[i] = value;
      if (this.soldBig.size > 0) this.soldBig.delete(i);
    } else this.soldBig.set(i, value);
  }

  /** Appends a position and returns its index. */
  add(member: number, spend: bigint, points: bigint, locked: bigint, day: number, flags: number): number {
    if (this.length === this.member.length) this.grow();
    const i = this.length++;
    this.member[i] = member;
    this.spend[i] = spend;
    this.points[i] = points;
    this.locked[i] = locked;
    this.lockedOriginal[i] = locked;
    this.soldSmall[i] = 0n;
    this.day[i] = day;
    this.lockDay[i] = day;
    this.version[i] = 0;
    this.status[i] = 0;
    this.flags[i] = flags;
    this.closeReason[i] = 0;
    this.previousOfMember[i] = 0;
    return i;
  }

  private grow(): void {
    const size = this.member.length * 2;
    const widen = <T extends Int32Array | BigInt64Array | Uint8Array>(old: T): T => {
      const next = new (old.constructor as new (n: number) => T)(size);
      next.set(old as never);
      return next;
    };
    this.member = widen(this.member);
    this.spend = widen(this.spend);
    this.points = widen(this.points);
    this.locked = widen(this.locked);
    this.lockedOriginal = widen(this.lockedOriginal);
    this.soldSmall = widen(this.soldSmall);
    this.soldWords = new Int32Array(this.soldSmall.buffer);
    this.day = widen(this.day);
    this.lockDay = widen(this.lockDay);
    this.version = widen(this.version);
    this.status = widen(this.status);
    this.flags = widen(this.flags);
    this.closeReason = widen(this.closeReason);
    this.previousOfMember = widen(this.previousOfMember);
  }
}
