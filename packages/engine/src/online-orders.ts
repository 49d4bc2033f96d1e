/**
 * Online orders: paid, waiting out refundWindowDays, then settled as rule-1 orders or refunded.
 */
import { type EngineCore, reject, tooLarge } from "./core.js";
import { AMOUNT_MAX } from "./limits.js";
import {
  type OnlineOrder,
  type OrderCommand,
  type OrderPaidCommand,
  type Outcome,
  type Result,
  type SplitParts,
} from "./types.js";
import { order } from "./order.js";

export function orderPaid(core: EngineCore, command: OrderPaidCommand): Result {
  const { order: id, amount } = command;
  if (!Number.isSafeInteger(id) || id < 1) return reject("unknown_order", "order ids are positive integers");
  if (core.onlineOrders.has(id)) return reject("order_already_paid", `order ${id} was already paid`);
  if (amount <= 0n) return reject("amount_not_positive", "the order amount must be greater than 0");
  if (amount > AMOUNT_MAX) return tooLarge();
  const window = core.rules.refundWindowDays;
  const order: OnlineOrder = {
    order: id,
    member: command.member,
    amount,
    merchant: command.merchant,
    split: command.split,
    paidDay: core.day,
    settleDay: core.day + window,
    status: "paid",
    position: 0,
    points: 0n,
  };
  core.onlineOrders.set(id, order);
  core.accounts.paidByMembers += amount;
  core.accounts.ordersAwaitingSettlement += amount;
  const outcome: Outcome = { ok: true };
  if (window === 0) settleOnline(core, order, outcome);
  else core.awaiting.push(order);
  return outcome;
}

export function orderRefund(core: EngineCore, id: number): Result {
  const order = core.onlineOrders.get(id);
  if (order === undefined) return reject("unknown_order", `there is no online order ${id}`);
  if (order.status === "settled") {
    return reject("refund_window_passed", `order ${id} waited out its refund window and was settled`);
  }
  if (order.status === "refunded") return reject("order_not_refundable", `order ${id} was already refunded`);
  refundOnline(core, order);
  return { ok: true };
}

export function refundOnline(core: EngineCore, order: OnlineOrder): void {
  order.status = "refunded";
  core.accounts.ordersAwaitingSettlement -= order.amount;
  core.accounts.ordersRefunded += order.amount;
}

/**
 * Settles every waiting order whose settle day is at most `target`: boundary by boundary (the clock
 * stands at each settle day while its orders settle), and within a boundary in order id order.
 */
export function settleDue(core: EngineCore, target: number, outcome: Outcome): void {
  const due = core.awaiting.filter((o) => o.settleDay <= target && o.status === "paid");
  core.awaiting = core.awaiting.filter((o) => o.settleDay > target && o.status === "paid");
  due.sort((x, y) => x.settleDay - y.settleDay || x.order - y.order);
  for (const order of due) {
    core.day = order.settleDay;
    settleOnline(core, order, outcome);
  }
}

/**
 * An online order becomes a rule-1 order: its held cash pays it. The member paid the whole amount up
 * front, so a first-order subsidy (rule 4) is credited to the member's wallet.
 */
export function settleOnline(core: EngineCore, online: OnlineOrder, outcome: Outcome): void {
  const a = core.accounts;
  const command: OrderCommand = { type: "order", member: online.member, amount: online.amount };
  if (online.merchant !== undefined) command.merchant = online.merchant;
  if (online.split !== undefined) command.split = online.split;
  a.ordersAwaitingSettlement -= online.amount;
  a.paidByMembers -= online.amount;
  const result = order(core, command);
  if (!result.ok) {
    // Only amount_too_large can refuse it here (points beyond a position's 64 bits at this price):
    // the payment goes back rather than wait forever.
    a.paidByMembers += online.amount;
    a.ordersAwaitingSettlement += online.amount;
    refundOnline(core, online);
    return;
  }
  if (result.subsidy !== undefined) {
    core.own(core.members.get(online.member)!).wallet += result.subsidy;
    a.wallets += result.subsidy;
    a.paidByMembers += result.subsidy;
  }
  online.status = "settled";
  online.position = result.position!;
  online.points = result.points!;
  (outcome.settled ??= []).push({ order: online.order, position: online.position, points: online.points });
  if (result.split !== undefined) outcome.split = addSplitParts(outcome.split, result.split);
  if (result.exits !== undefined) (outcome.exits ??= []).push(...result.exits);
  if (result.reset === true) outcome.reset = true;
}

/** The parts of several settled orders, summed (a close can settle many). */
function addSplitParts(sum: SplitParts | undefined, parts: SplitParts): SplitParts {
  if (sum === undefined) return parts;
  return {
    productCost: sum.productCost + parts.productCost,
    distributionCost: sum.distributionCost + parts.distributionCost,
    platformProfit: sum.platformProfit + parts.platformProfit,
    contribution: sum.contribution + parts.contribution,
  };
}
