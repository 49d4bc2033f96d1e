/**
 * The simulator's own bookkeeping of members and positions on typed arrays (ids, join days, spend,
 * position states as seen in the engine's results), and the daily series it samples.
 */

/** Position states as the simulator tracks them from the engine's results. */
export const OPEN = 0;
export const EXITED = 1;
export const SOLD_OUT = 2;
export const RESET = 3;

function grow<T extends Int32Array | Float64Array | Uint8Array | Uint16Array>(array: T, size: number): T {
  if (size <= array.length) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(size, array.length * 2));
  next.set(array);
  return next;
}

/** Fields of a member's row: the fields an order touches sit together, in one cache line. */
const ROW = 4;
const ENGINE_INDEX = 0;
const FIRST_POSITION = 1;
const SPEND = 2;
const JOIN_DAY = 3;

/**
 * Per-member and per-position observations, on typed arrays indexed by member index and position id.
 * A member's numbers are one row of `rows`: with a million members in random order, every separate
 * array would cost an order its own cache miss.
 */
export class Tracker {
  constructor(private readonly idPrefix = "m") {}
  memberCount = 0;
  /** Members of a live starting state taken over at the start (the first `adopted` rows). */
  adopted = 0;
  ids: string[] = [];
  private rows = new Float64Array(1024 * ROW);
  behaviour = new Uint8Array(1024);
  /** Members each member stands for (the run's order weight on the day it joined; 1 for live members). */
  weight = new Uint16Array(1024);
  /** Σ weight over the members: the members the run stands for. */
  weightedMembers = 0;
  positionCount = 0;
  positionMember = new Int32Array(1024);
  positionState = new Uint8Array(1024);
  positionEndDay = new Int32Array(1024);
  /** Points still held, as a float (for marking holdings to the price in reports only). */
  positionPoints = new Float64Array(1024);

  /**
   * Takes over a live member (they order again under the demand model; their earlier positions are
   * the starting state's). Only before any new member is added.
   */
  adoptMember(id: string, behaviour: number): number {
    const m = this.addMember(-1, behaviour);
    this.ids[m] = id;
    this.adopted++;
    return m;
  }

  addMember(day: number, behaviour: number, weight = 1): number {
    const m = this.memberCount++;
    if (m >= this.behaviour.length) {
      this.rows = grow(this.rows, (m + 1) * ROW);
      this.behaviour = grow(this.behaviour, m + 1);
      this.weight = grow(this.weight, m + 1);
    }
    this.weight[m] = weight;
    this.weightedMembers += weight;
    this.ids.push(`${this.idPrefix}${m + 1}`);
    const row = m * ROW;
    this.rows[row + ENGINE_INDEX] = -1;
    this.rows[row + FIRST_POSITION] = 0;
    this.rows[row + SPEND] = 0;
    this.rows[row + JOIN_DAY] = day;
    this.behaviour[m] = behaviour;
    return m;
  }

  /** The member's index in the engine (-1 until its first order), passed as the engine's lookup hint. */
  engineIndex(m: number): number {
    return this.rows[m * ROW + ENGINE_INDEX]!;
  }

  setEngineIndex(m: number, index: number): void {
    this.rows[m * ROW + ENGINE_INDEX] = index;
  }

  /** Id of the member's first position (0 before its first order). */
  firstPosition(m: number): number {
    return this.rows[m * ROW + FIRST_POSITION]!;
  }

  /** What the member has spent, in fen. */
  spend(m: number): number {
    return this.rows[m * ROW + SPEND]!;
  }

  joinDay(m: number): number {
    return this.rows[m * ROW + JOIN_DAY]!;
  }

  /** Records an order: its amount and, for the member's first, its position. */
  addOrder(m: number, fen: number, position: number): void {
    const row = m * ROW;
    this.rows[row + SPEND] = this.rows[row + SPEND]! + fen;
    if (this.rows[row + FIRST_POSITION] === 0) this.rows[row + FIRST_POSITION] = position;
  }

  /** Members the position's owner stands for. */
  positionWeight(id: number): number {
    return this.weight[this.positionMember[id]!]!;
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
