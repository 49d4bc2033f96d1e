/**
 * The read-only face of the engine: `EngineView` answers every question a reader asks with plain
 * readonly data, and no method of it changes the state (lazy release is computed, never written).
 * Readers such as the ledger's `read` receive an `EngineReader`; only `Engine` adds `apply`.
 */
import type { SplitBounds, TillSale } from "./prepaid.js";
import { releaseRate, releaseSchedule, tierRate } from "./release.js";
import { exitThreshold } from "./sell.js";
import { DEFAULT_MERCHANT, type EngineCore } from "./core.js";
import { PAGE_LIMIT_MAX } from "./limits.js";
import { previewSell } from "./sell.js";
import { type ActionPreview, previewCommands } from "./preview.js";
import { stateDigest } from "./state-digest.js";
import { coinRowProblems } from "./coins.js";
import { type QueueMeter, queueMeter } from "./queue-meter.js";
import type { RuleSet } from "./rules.js";
import type {
  Accounts,
  CoinAccounts,
  CoinImportRow,
  Command,
  MerchantBalance,
  OnlineOrderStatus,
  PositionView,
  Result,
  RowRejection,
  Withdrawal,
} from "./types.js";

/** A member as a reader sees it (a copy; changing it changes nothing). */
export interface MemberView {
  readonly id: string;
  /** Position in creation order (0 for the first member); the cursor of `members`. */
  readonly index: number;
  readonly inviter: string | null;
  /** fen */
  readonly wallet: bigint;
  /** fen of legacy coins */
  readonly coins: bigint;
  /** health value, scale 2 */
  readonly health: bigint;
  /** 1e-8 shares received at listing */
  readonly shares: bigint;
  readonly orders: number;
  /** Number of positions the member ever held. */
  readonly positions: number;
  /** Share of locked points released per day now (ratio scale), null while release is off. */
  readonly releaseRate: bigint | null;
}

export type WithdrawalStatus = Withdrawal["status"];

export interface WithdrawalView {
  readonly id: number;
  readonly member: string;
  /** fen */
  readonly amount: bigint;
  readonly day: number;
  readonly status: WithdrawalStatus;
}

/**
 * The cash the tenant must hold in custody (bank or escrow), part by part, in fen: the pool, the
 * members' wallets, withdrawals requested and not yet paid, and online orders paid and not yet settled.
 */
export interface Custody {
  readonly pool: bigint;
  readonly wallets: bigint;
  readonly withdrawalsPending: bigint;
  readonly ordersAwaitingSettlement: bigint;
  readonly total: bigint;
}

/** An online order as a reader sees it. */
export interface OnlineOrderView {
  readonly order: number;
  readonly member: string;
  /** fen */
  readonly amount: bigint;
  readonly merchant: string;
  readonly paidDay: number;
  readonly settleDay: number;
  readonly status: OnlineOrderStatus;
  /** The position its settlement opened; null until settled. */
  readonly position: number | null;
  /** 1e-8 points its settlement issued; null until settled. */
  readonly points: bigint | null;
}

/** What the tenant owes one member: the sums of a leaf of the proof of liabilities. */
export interface MemberLiability {
  readonly member: string;
  /** fen: wallet plus withdrawals requested and not yet paid */
  readonly cash: bigint;
  /** 1e-8 points held in open positions */
  readonly points: bigint;
}

export interface MemberPage {
  /** `index` of the last member already seen; the page starts after it (from the first when absent). */
  after?: number;
  /** 1 to PAGE_LIMIT_MAX */
  limit: number;
}

export interface WithdrawalPage {
  /** Id of the last withdrawal already seen; the page continues past it in the chosen order. */
  after?: number;
  /** 1 to PAGE_LIMIT_MAX */
  limit: number;
  member?: string;
  status?: WithdrawalStatus;
  /** Newest first (ids descending); oldest first when absent. */
  newestFirst?: boolean;
}

/** Every read of the engine's state. No method changes anything. */
/** A till sale as readers see it: amounts in fen, `owed` the prepaid it debited. */
export type TillSaleView = Omit<TillSale, "health" | "movedOthers"> & { owed: bigint };

export interface EngineView {
  readonly rules: Readonly<RuleSet>;
  /** Days since the tenant started. */
  readonly day: number;
  readonly period: number;
  readonly listed: boolean;
  /** fen */
  readonly pool: bigint;
  /** 1e-8 points */
  readonly supply: bigint;
  /** The market price as [numerator fen, denominator 1e-8 points]; initialPrice while supply is 0. */
  price(): [bigint, bigint];
  /** The market price in 1e-8 yuan per point, rounded down (for display). */
  priceUnits(): bigint;
  /** Members' points at the market price: supply × price, floored to the fen (0 while supply is 0). */
  supplyValue(): bigint;
  /** Positions ever opened; ids run from 1 to positionCount. */
  readonly positionCount: number;
  /** Open positions (scans the status column; for reports, not hot paths). */
  openPositionCount(): number;
  readonly memberCount: number;
  readonly merchantCount: number;
  readonly accounts: Readonly<Accounts>;
  readonly coins: Readonly<CoinAccounts>;
  hasMember(id: string): boolean;
  member(id: string): MemberView | undefined;
  /** Members in creation order, a page at a time. */
  members(page: MemberPage): MemberView[];
  /** Ids of a member's positions, oldest first (empty for an unknown member). */
  memberPositions(id: string): number[];
  position(id: number): PositionView | undefined;
  /** points × price, floored to the fen (undefined for an unknown position). */
  positionValue(id: number): bigint | undefined;
  /** The price (1e-8 yuan per point, rounded up) at which the position force-exits, or null if never. */
  exitThreshold(id: number): bigint | null;
  withdrawal(id: number): WithdrawalView | undefined;
  withdrawals(page: WithdrawalPage): WithdrawalView[];
  /** Withdrawals with the given status (all when absent). */
  withdrawalCount(status?: WithdrawalStatus): number;
  /** A merchant's balances, or undefined for a merchant no event has named. */
  merchantBalance(id: string): MerchantBalance | undefined;
  /** A merchant's prepaid balance (fen) and split bounds (the defaults when the operator set none). */
  merchantPrepaid(id: string): { balance: bigint; bounds: SplitBounds };
  /** A till sale by the position it opened, or undefined. */
  tillSale(position: number): TillSaleView | undefined;
  /** What selling would pay now: the checks and arithmetic of a sell, without the forced exits. */
  previewSell(member: string, position: number, points: bigint): Result;
  /**
   * What the commands would do if applied now, in order: computed on a fork of the state (fork.ts),
   * so nothing here changes; answers the state digest the real commands carry as `expect`.
   */
  previewCommands(commands: readonly Command[], listMax?: number): ActionPreview;
  /** The state digest (state-digest.ts): moves with every accepted command. */
  stateDigest(): string;
  /** The rows a coin import would refuse, with the codes `coinImport` would give (empty: all pass). */
  previewCoinImport(rows: readonly CoinImportRow[]): RowRejection[];
  /** Locked points of a position after each number of days from today, at its member's current tier. */
  releaseSchedule(id: number, days: readonly number[]): bigint[];
  /** A member's daily release rate now (null while release is off or for an unknown member). */
  releaseRate(member: string): bigint | null;
  /** The custody identity: what the bank or escrow balance must equal. */
  custody(): Custody;
  /** An online order by the caller's id, or undefined if it was never paid. */
  onlineOrder(id: number): OnlineOrderView | undefined;
  /** The exit queue now, from one pass over the positions (see queue-meter.ts). */
  queueMeter(): QueueMeter;
  /** Every member's liabilities in creation order, from one pass over positions and withdrawals. */
  liabilities(): MemberLiability[];
}

function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > PAGE_LIMIT_MAX)
    throw new RangeError(`a page holds 1 to ${PAGE_LIMIT_MAX} items, not ${limit}`);
}

let coreOfReader: (reader: EngineReader) => EngineCore;

/** An EngineView over an engine's core. It holds no state of its own and never writes. */
export class EngineReader implements EngineView {
  readonly #core: EngineCore;

  static {
    coreOfReader = (reader) => reader.#core;
  }

  /** For the engine package only: readers get one from `Engine#view` or `Ledger.read`. */
  constructor(core: EngineCore) {
    this.#core = core;
  }

  get rules(): Readonly<RuleSet> {
    return this.#core.rules;
  }
  get day(): number {
    return this.#core.day;
  }
  get period(): number {
    return this.#core.period;
  }
  get listed(): boolean {
    return this.#core.listed;
  }
  get pool(): bigint {
    return this.#core.accounts.pool;
  }
  get supply(): bigint {
    return this.#core.supply;
  }
  price(): [bigint, bigint] {
    return this.#core.price();
  }
  priceUnits(): bigint {
    return this.#core.priceUnits();
  }
  supplyValue(): bigint {
    const [numerator, denominator] = this.#core.price();
    return (this.#core.supply * numerator) / denominator;
  }
  get positionCount(): number {
    return this.#core.table.length;
  }
  openPositionCount(): number {
    const t = this.#core.table;
    let open = 0;
    for (let i = 0; i < t.length; i++) if (t.status[i] === 0) open++;
    return open;
  }
  get memberCount(): number {
    return this.#core.memberList.length;
  }
  get merchantCount(): number {
    return this.#core.merchants.size;
  }
  get accounts(): Readonly<Accounts> {
    return this.#core.accounts;
  }
  get coins(): Readonly<CoinAccounts> {
    return this.#core.coins;
  }
  hasMember(id: string): boolean {
    return this.#core.members.has(id);
  }

  member(id: string): MemberView | undefined {
    const member = this.#core.members.get(id);
    return member === undefined ? undefined : this.memberAt(member.index);
  }

  members(page: MemberPage): MemberView[] {
    checkLimit(page.limit);
    const list = this.#core.memberList;
    const start = page.after === undefined ? 0 : Math.max(0, Math.floor(page.after) + 1);
    const end = Math.min(list.length, start + page.limit);
    const items: MemberView[] = [];
    for (let k = start; k < end; k++) items.push(this.memberAt(k));
    return items;
  }

  private memberAt(index: number): MemberView {
    const m = this.#core.memberList[index]!;
    return {
      id: m.id,
      index,
      inviter: m.inviter,
      wallet: m.wallet,
      coins: m.coins,
      health: m.health,
      shares: m.shares,
      orders: m.orders,
      positions: m.positionCount,
      // The member is at hand: its tier's rate, without looking its id up again.
      releaseRate: this.#core.rules.release === null ? null : tierRate(this.#core, m),
    };
  }

  memberPositions(id: string): number[] {
    return this.#core.memberPositions(id);
  }
  position(id: number): PositionView | undefined {
    return this.#core.position(id);
  }

  positionValue(id: number): bigint | undefined {
    const t = this.#core.table;
    if (!Number.isSafeInteger(id) || id < 1 || id > t.length) return undefined;
    const [numerator, denominator] = this.#core.price();
    return (t.points[id - 1]! * numerator) / denominator;
  }

  exitThreshold(id: number): bigint | null {
    return exitThreshold(this.#core, id);
  }

  withdrawal(id: number): WithdrawalView | undefined {
    const w = Number.isSafeInteger(id) && id >= 1 ? this.#core.withdrawals[id - 1] : undefined;
    return w === undefined ? undefined : withdrawalView(w);
  }

  withdrawals(page: WithdrawalPage): WithdrawalView[] {
    checkLimit(page.limit);
    const all = this.#core.withdrawals;
    const items: WithdrawalView[] = [];
    const step = page.newestFirst === true ? -1 : 1;
    // Index of the first withdrawal after the cursor, clamped into the list (a cursor may lie past it).
    let k = step < 0 ? all.length - 1 : 0;
    if (page.after !== undefined) k = step < 0 ? Math.min(k, page.after - 2) : Math.max(k, page.after);
    for (; k >= 0 && k < all.length && items.length < page.limit; k += step) {
      const w = all[k]!;
      if (page.member !== undefined && w.member.id !== page.member) continue;
      if (page.status !== undefined && w.status !== page.status) continue;
      items.push(withdrawalView(w));
    }
    return items;
  }

  withdrawalCount(status?: WithdrawalStatus): number {
    const all = this.#core.withdrawals;
    if (status === undefined) return all.length;
    let count = 0;
    for (const w of all) if (w.status === status) count++;
    return count;
  }

  merchantBalance(id: string): MerchantBalance | undefined {
    return this.#core.merchantBalance(id);
  }
  previewCommands(commands: readonly Command[], listMax?: number): ActionPreview {
    return previewCommands(this.#core, commands, listMax);
  }

  stateDigest(): string {
    return stateDigest(this.#core);
  }

  merchantPrepaid(id: string): { balance: bigint; bounds: SplitBounds } {
    const book = this.#core.prepaid;
    return { balance: book.balance(id), bounds: { ...book.boundsOf(id) } };
  }
  tillSale(position: number): TillSaleView | undefined {
    const sale = this.#core.prepaid.sales.get(position);
    if (sale === undefined) return undefined;
    const { health: _health, movedOthers: _moved, ...view } = sale;
    return { ...view, owed: sale.contribution + sale.platformProfit + sale.distributionCost };
  }
  previewSell(member: string, position: number, points: bigint): Result {
    return previewSell(this.#core, member, position, points);
  }
  previewCoinImport(rows: readonly CoinImportRow[]): RowRejection[] {
    return coinRowProblems(this.#core, rows);
  }
  releaseSchedule(id: number, days: readonly number[]): bigint[] {
    return releaseSchedule(this.#core, id, days);
  }
  releaseRate(member: string): bigint | null {
    return releaseRate(this.#core, member);
  }

  custody(): Custody {
    const a = this.#core.accounts;
    return {
      pool: a.pool,
      wallets: a.wallets,
      withdrawalsPending: a.withdrawalsPending,
      ordersAwaitingSettlement: a.ordersAwaitingSettlement,
      total: a.pool + a.wallets + a.withdrawalsPending + a.ordersAwaitingSettlement,
    };
  }

  queueMeter(): QueueMeter {
    return queueMeter(this.#core);
  }

  liabilities(): MemberLiability[] {
    const core = this.#core;
    const t = core.table;
    const points: bigint[] = core.memberList.map(() => 0n);
    for (let i = 0; i < t.length; i++) {
      if (t.status[i] !== 0) continue;
      const p = t.points[i]!;
      if (p !== 0n) points[t.member[i]!] = points[t.member[i]!]! + p;
    }
    const cash = core.memberList.map((m) => m.wallet);
    for (const w of core.withdrawals)
      if (w.status === "pending") cash[w.member.index] = cash[w.member.index]! + w.amount;
    return core.memberList.map((m, k) => ({ member: m.id, cash: cash[k]!, points: points[k]! }));
  }

  onlineOrder(id: number): OnlineOrderView | undefined {
    const o = this.#core.onlineOrders.get(id);
    if (o === undefined) return undefined;
    const settled = o.status === "settled";
    return {
      order: o.order,
      member: o.member,
      amount: o.amount,
      merchant: o.merchant ?? DEFAULT_MERCHANT,
      paidDay: o.paidDay,
      settleDay: o.settleDay,
      status: o.status,
      position: settled ? o.position : null,
      points: settled ? o.points : null,
    };
  }
}

function withdrawalView(w: Withdrawal): WithdrawalView {
  return { id: w.id, member: w.member.id, amount: w.amount, day: w.day, status: w.status };
}

/** The core behind a reader or an engine; for the engine package's own modules (internal.ts). */
export function readerCore(reader: EngineReader): EngineCore {
  return coreOfReader(reader);
}
