/**
 * The simulator's own bookkeeping of members and positions on typed arrays (ids, join days, spend,
 * position states as seen in the engine's results), and the daily series it samples.
 */

/** Position states as the simulator tracks them from the engine's results. */
export const OPEN = 0;
export const EXITED = 1;
export const SOLD_OUT = 2;
export const RESET = 3;

function grow<T extends Int32Array | Float64Array | Uint8Array>(array: T, size: number): T {
  if (size <= array.length) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(size, array.length * 2));
  next.set(array);
  return next;
}

/** Per-member and per-position observations, on typed arrays indexed by member index and position id. */
export class Tracker {
  memberCount = 0;
  ids: string[] = [];
  joinDay = new Int32Array(1024);
  spend = new Float64Array(1024);
  firstPosition = new Int32Array(1024);
  behaviour = new Uint8Array(1024);
  /** The member's index in the engine (-1 until its first order), passed as the engine's lookup hint. */
  engineIndex = new Int32Array(1024);
  positionCount = 0;
  positionMember = new Int32Array(1024);
  positionState = new Uint8Array(1024);
  positionEndDay = new Int32Array(1024);
  /** Points still held, as a float (for marking holdings to the price in reports only). */
  positionPoints = new Float64Array(1024);

  addMember(day: number, behaviour: number): number {
    const m = this.memberCount++;
    if (m >= this.joinDay.length) {
      this.joinDay = grow(this.joinDay, m + 1);
      this.spend = grow(this.spend, m + 1);
      this.firstPosition = grow(this.firstPosition, m + 1);
      this.behaviour = grow(this.behaviour, m + 1);
      this.engineIndex = grow(this.engineIndex, m + 1);
    }
    this.ids.push(`m${m + 1}`);
    this.joinDay[m] = day;
    this.firstPosition[m] = 0;
    this.behaviour[m] = behaviour;
    this.engineIndex[m] = -1;
    return m;
  }

  addPosition(id: number, member: number, points: number): void {
    if (id >= this.positionMember.length) {
      this.positionMember = grow(this.positionMember, id + 1);
      this.positionState = grow(this.positionState, id + 1);
      this.positionEndDay = grow(this.positionEndDay, id + 1);
      this.positionPoints = grow(this.positionPoints, id + 1);
    }
    this.positionCount = Math.max(this.positionCount, id);
    this.positionMember[id] = member;
    this.positionState[id] = OPEN;
    this.positionEndDay[id] = -1;
    this.positionPoints[id] = points;
  }
}

/** Daily observations of the engine, index = day (end of day). */
export interface Series {
  price: Float64Array;
  pool: Float64Array;
  supply: Float64Array;
  members: Float64Array;
  volume: Float64Array;
  backToMembers: Float64Array;
  exits: Float64Array;
}

export interface Counters {
  orders: number;
  /** Orders the engine refused (e.g. an amount above its limit); they change nothing. */
  ordersRefused: number;
  sells: number;
  sellsRefused: number;
  exits: number;
  resets: number;
}
