/**
 * The public queue meter: facts about the exit queue read from the state in one pass over the
 * position columns (no forecast): the cash the open positions still need to reach their exit target,
 * how many ever reached it, how long the open ones have waited; and the pool inflow of a command,
 * which the service sums over the journal of recent days.
 */
import { CLOSE_REASON, FLAG_TIPPED } from "./positions.js";
import type { EngineCore } from "./core.js";
import { RATIO_SCALE, ceilDiv } from "./decimal.js";
import { splitAmount } from "./order.js";
import type { RuleSet } from "./rules.js";
import { type Command, POSITION_OPEN } from "./types.js";

/** Waiting times the meter counts: open positions older than each of these many days. */
export const QUEUE_AGE_DAYS = [30, 90, 180, 365] as const;

export interface QueueMeter {
  /** Positions ever opened. */
  readonly positions: number;
  /** Positions that reached their exit target (forced exit, rule 3). */
  readonly exited: number;
  /** Open positions. */
  readonly open: number;
  /** Open positions in the exit queue (holding points, not tipped). */
  readonly queued: number;
  /**
   * fen: Σ over the queue of (exit target − cash already received − current value), rounded up, so
   * the figure never understates what the pool would have to grow by.
   */
  readonly cashToExit: bigint;
  /** Open positions that have waited more than 30, 90, 180 and 365 days (same order as QUEUE_AGE_DAYS). */
  readonly waitingOver: readonly number[];
}

/** One pass over the position columns; the only bigint work per queued position is three additions. */
export function queueMeter(core: EngineCore): QueueMeter {
  const t = core.table;
  const waitingOver = QUEUE_AGE_DAYS.map(() => 0);
  let open = 0;
  let queued = 0;
  let exited = 0;
  let spend = 0n;
  let sold = 0n;
  let points = 0n;
  for (let i = 0; i < t.length; i++) {
    if (t.status[i] !== POSITION_OPEN) {
      if (t.closeReason[i] === CLOSE_REASON.exit) exited++;
      continue;
    }
    open++;
    const age = core.day - t.day[i]!;
    for (let k = 0; k < QUEUE_AGE_DAYS.length; k++) if (age > QUEUE_AGE_DAYS[k]!) waitingOver[k]!++;
    if ((t.flags[i]! & FLAG_TIPPED) !== 0 || t.points[i] === 0n) continue;
    queued++;
    spend += t.spend[i]!;
    const s = t.soldGrossOf(i);
    if (s !== 0n) sold += s;
    points += t.points[i]!;
  }
  // need = exitMultiple × spend − sold (ratio scale), value = points × price: both linear in the sums.
  const [numerator, denominator] = core.price();
  const need = (core.rules.exitMultiple * spend - RATIO_SCALE * sold) * denominator;
  const value = RATIO_SCALE * points * numerator;
  const cashToExit = need > value ? ceilDiv(need - value, RATIO_SCALE * denominator) : 0n;
  return { positions: t.length, exited, open, queued, cashToExit, waitingOver };
}

/**
 * The cash a command (as journaled and accepted) brought into the pool: an order's pool part (cash,
 * coins or an online order at payment), financing's pool part, a merchant's tip purchase. Sells,
 * exits and payments with points take cash out and count nothing here.
 */
export function poolInflow(command: Command, rules: Readonly<RuleSet>): bigint {
  switch (command.type) {
    case "order":
    case "orderPaid":
    case "tillSale":
      return splitAmount(command.amount, command.split ?? rules.split).contribution;
    case "financing":
      return command.toPool;
    case "tipBuy":
      return command.amount;
    default:
      return 0n;
  }
}

/**
 * Days the pool's recent inflow would take to bring `cash`: ⌈cash × days / inflow⌉, or null when
 * nothing flowed in. A fact about the past rate, not a forecast of when anyone exits.
 */
export function daysAtInflow(cash: bigint, inflow: { amount: bigint; days: number }): bigint | null {
  if (inflow.amount <= 0n || inflow.days <= 0) return null;
  return ceilDiv(cash * BigInt(inflow.days), inflow.amount);
}
