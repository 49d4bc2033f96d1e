/**
 * Statements (资金明细, 积分明细): every movement of a member's wallet and points and of a merchant's
 * settlement and points, derived by replaying the journal's commands through an engine and comparing
 * each touched account's balance before and after. A statement's amounts therefore always add up to
 * the balance the engine holds: nothing is computed twice, the engine's own balances are the source.
 */
import { DEFAULT_MERCHANT } from "./core.js";
import type { Engine } from "./engine.js";
import { coreOf } from "./internal.js";
import type { Command, Result } from "./types.js";
import type { EngineView } from "./view.js";

/** A member's wallet cash or points; a merchant's settlement cash, points or prepaid balance (预存). */
export type StatementAccount = "cash" | "points" | "prepaid";

/** Who a statement belongs to: `member:<id>` or `merchant:<id>`. */
export type StatementSubject = `member:${string}` | `merchant:${string}`;

/**
 * The kinds of movement, as stable codes (the web translates them). `order_paid`, `order_refunded`,
 * `withdrawal_paid` and `release` are shown with an amount of 0 (the balance does not change) and the
 * figure they concern in `detail`. `adjustment` is any change no other kind names (none is expected;
 * it keeps the sum true even then).
 */
export const STATEMENT_KINDS = [
  "order_paid",
  "order_refunded",
  "points_issued",
  "subsidy",
  "sale",
  "till_sale",
  "order_settled",
  "sell",
  "forced_exit",
  "period_reset",
  "listing",
  "release",
  "tip_points_bought",
  "tip_given",
  "tip_received",
  "pay_with_points",
  "withdrawal_requested",
  "withdrawal_paid",
  "withdrawal_rejected",
  "withdrawal_returned",
  "sale_voided",
  "prepaid_credit",
  "adjustment",
] as const;
export type StatementKind = (typeof STATEMENT_KINDS)[number];

/** One line of a statement: `amount` is the change of the balance (fen or 10^-8 points). */
export interface StatementEntry {
  subject: StatementSubject;
  account: StatementAccount;
  kind: StatementKind;
  amount: bigint;
  balance: bigint;
  /** The amount the line concerns when the balance does not move (an order's price, a withdrawal, released points). */
  detail: bigint | null;
}

/** What the journal row knows beyond the command: whether it came from the merchant's till. */
export interface StatementContext {
  tillSale: boolean;
}

interface Balances {
  cash: bigint;
  points: bigint;
  locked: bigint;
  /** A merchant's prepaid balance (always 0 for a member). */
  prepaid: bigint;
}

const ZERO: Balances = { cash: 0n, points: 0n, locked: 0n, prepaid: 0n };

/** A member's wallet, points held in open positions and the part of them still locked. */
export function memberBalances(view: EngineView, member: string): Balances {
  const found = view.member(member);
  if (found === undefined) return ZERO;
  let points = 0n;
  let locked = 0n;
  for (const id of view.memberPositions(member)) {
    const position = view.position(id);
    if (position === undefined || position.status !== "open") continue;
    points += position.points;
    locked += position.locked;
  }
  return { cash: found.wallet, points, locked, prepaid: 0n };
}

function balancesOf(view: EngineView, subject: StatementSubject): Balances {
  if (subject.startsWith("member:")) return memberBalances(view, subject.slice(7));
  const id = subject.slice(9);
  const merchant = view.merchantBalance(id);
  const prepaid = view.merchantPrepaid(id).balance;
  return merchant === undefined
    ? { ...ZERO, prepaid }
    : { cash: merchant.settlement, points: merchant.points, locked: 0n, prepaid };
}

/**
 * Follows a journal: `apply` runs one command through its own engine and answers the statement lines
 * it produced. Subjects are tracked from their first movement on; their last balances are kept so a
 * line's amount is the difference the command made.
 */
export class StatementProjector {
  private readonly last = new Map<StatementSubject, Balances>();

  constructor(private readonly engine: Engine) {}

  /**
   * A projector over an engine restored at some journal position (a ledger snapshot) instead of at
   * the first command. A replay from the start leaves as each subject's last balances exactly its
   * balances there (subjects whose balances are all 0 need no entry), so the lines it answers from
   * here on are the same.
   */
  static resume(engine: Engine): StatementProjector {
    const projector = new StatementProjector(engine);
    const core = coreOf(engine);
    const subjects: StatementSubject[] = [];
    for (const member of core.members.values()) subjects.push(`member:${member.id}`);
    const merchants = new Set([...core.merchants.keys(), ...core.prepaid.balances.keys()]);
    for (const merchant of merchants) subjects.push(`merchant:${merchant}`);
    for (const subject of subjects) {
      const balances = balancesOf(engine.view, subject);
      if (balances.cash !== 0n || balances.points !== 0n || balances.prepaid !== 0n)
        projector.last.set(subject, balances);
    }
    return projector;
  }

  get view(): EngineView {
    return this.engine.view;
  }

  apply(command: Command, context: StatementContext): { result: Result; entries: StatementEntry[] } {
    const before = this.informational(command);
    const result = this.engine.apply(command);
    if (!result.ok) return { result, entries: [] };
    const entries: StatementEntry[] = [...before];
    for (const subject of this.touched(command, result)) {
      entries.push(...this.movements(subject, command, { result, context }));
    }
    return { result, entries };
  }

  /** Lines that move no balance but belong on the statement (read before the command changes state). */
  private informational(command: Command): StatementEntry[] {
    const line = (member: string, kind: StatementKind, detail: bigint): StatementEntry => ({
      subject: `member:${member}`,
      account: "cash",
      kind,
      amount: 0n,
      balance: this.last.get(`member:${member}`)?.cash ?? 0n,
      detail,
    });
    const view = this.engine.view;
    if (command.type === "orderPaid" && view.onlineOrder(command.order) === undefined)
      return [line(command.member, "order_paid", command.amount)];
    if (command.type === "orderRefund") {
      const order = view.onlineOrder(command.order);
      if (order?.status === "paid") return [line(order.member, "order_refunded", order.amount)];
    }
    if (command.type === "withdrawApprove") {
      const withdrawal = view.withdrawal(command.withdrawal);
      if (withdrawal?.status === "pending")
        return [line(withdrawal.member, "withdrawal_paid", withdrawal.amount)];
    }
    return [];
  }

  /** Every subject whose balances the command may have changed. */
  private touched(command: Command, result: Result): Set<StatementSubject> {
    const view = this.engine.view;
    const subjects = new Set<StatementSubject>();
    if ("member" in command) subjects.add(`member:${command.member}`);
    if ("merchant" in command) subjects.add(`merchant:${command.merchant ?? ""}`);
    if (command.type === "order" || command.type === "orderPaid" || command.type === "payWithPoints") {
      if (command.merchant === undefined) subjects.delete("merchant:");
      subjects.add(`merchant:${command.merchant ?? DEFAULT_MERCHANT}`);
    }
    if (command.type === "withdrawReject" || command.type === "withdrawReturn") {
      const withdrawal = view.withdrawal(command.withdrawal);
      if (withdrawal !== undefined) subjects.add(`member:${withdrawal.member}`);
    }
    if (command.type === "tillSaleVoid") {
      const owner = view.position(command.position)?.member;
      if (owner !== undefined) subjects.add(`member:${owner}`);
    }
    if (result.ok) {
      for (const id of result.exits ?? []) {
        const owner = view.position(id)?.member;
        if (owner !== undefined) subjects.add(`member:${owner}`);
      }
      for (const settled of result.settled ?? []) {
        const order = view.onlineOrder(settled.order);
        if (order !== undefined) {
          subjects.add(`member:${order.member}`);
          subjects.add(`merchant:${order.merchant}`);
        }
      }
    }
    // A reset or listing touches everyone; a new day or rule version releases locked points.
    const everyone = result.ok && (result.reset === true || command.type === "listing");
    const release = command.type === "advance" || command.type === "rules";
    // In subject order, not in the order subjects first moved: a projector resumed from a snapshot
    // (which cannot know that order) numbers the lines as one that replayed from the start.
    const moved: StatementSubject[] = [];
    for (const [subject, balances] of this.last) {
      if (everyone || (release && balances.locked > 0n)) moved.push(subject);
    }
    for (const subject of moved.sort()) subjects.add(subject);
    subjects.delete("merchant:");
    return subjects;
  }

  private movements(
    subject: StatementSubject,
    command: Command,
    outcome: { result: Result; context: StatementContext },
  ): StatementEntry[] {
    const before = this.last.get(subject) ?? ZERO;
    const after = balancesOf(this.engine.view, subject);
    const entries: StatementEntry[] = [];
    for (const account of ["cash", "points", "prepaid"] as const) {
      const amount = after[account] - before[account];
      if (amount === 0n) continue;
      const kind = kindOf(subject, command, { ...outcome, account, amount });
      entries.push({ subject, account, kind, amount, balance: after[account], detail: null });
    }
    // Locked points that became free without the total changing: a release line.
    const released = before.locked - after.locked - (before.points - after.points);
    if (
      subject.startsWith("member:") &&
      released > 0n &&
      (command.type === "advance" || command.type === "rules")
    )
      entries.push({
        subject,
        account: "points",
        kind: "release",
        amount: 0n,
        balance: after.points,
        detail: released,
      });
    if (after.cash !== 0n || after.points !== 0n || after.prepaid !== 0n || this.last.has(subject))
      this.last.set(subject, after);
    return entries;
  }
}

function kindOf(
  subject: StatementSubject,
  command: Command,
  outcome: { result: Result; context: StatementContext; account: StatementAccount; amount: bigint },
): StatementKind {
  const { result, account } = outcome;
  const gain = outcome.amount > 0n;
  const member = subject.startsWith("member:") ? subject.slice(7) : null;
  const actor = member !== null && "member" in command && command.member === member;
  if (result.ok && result.reset === true && !actor) return "period_reset";
  if (member === null) return merchantKind(command, outcome);
  if (command.type === "tillSaleVoid") return "sale_voided";
  switch (command.type) {
    case "tillSale":
    case "order":
    case "orderPaid":
    case "advance":
      // A new position's points (or a first-order subsidy) add; an exit its order caused takes away.
      if (!gain) return "forced_exit";
      return account === "cash" ? "subsidy" : "points_issued";
    case "sell":
      return actor ? "sell" : "forced_exit";
    case "payWithPoints":
      return actor ? "pay_with_points" : "forced_exit";
    case "tip":
      return actor ? "tip_received" : "forced_exit";
    case "withdraw":
      return actor ? "withdrawal_requested" : "adjustment";
    case "withdrawReject":
      return "withdrawal_rejected";
    case "withdrawReturn":
      return "withdrawal_returned";
    case "listing":
      return "listing";
    case "financing":
    case "tipBuy":
    case "rules":
      return "forced_exit";
    default:
      return "adjustment";
  }
}

function merchantKind(
  command: Command,
  outcome: { context: StatementContext; account: StatementAccount },
): StatementKind {
  switch (command.type) {
    case "order":
      return outcome.context.tillSale ? "till_sale" : "sale";
    case "tillSale":
      return "till_sale";
    case "tillSaleVoid":
      return "sale_voided";
    case "prepaidCredit":
      return "prepaid_credit";
    case "orderPaid":
    case "advance":
      return "order_settled";
    case "payWithPoints":
      return "pay_with_points";
    case "tipBuy":
      return "tip_points_bought";
    case "tip":
      return "tip_given";
    case "listing":
      return "listing";
    default:
      return "adjustment";
  }
}
