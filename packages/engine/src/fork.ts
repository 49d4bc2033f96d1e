/**
 * A fork of the live engine for previews: a copy that costs little with a million positions. The
 * position columns, the exit index and the small collections are copied (one memory copy per typed
 * column); member objects are shared with the live engine and copied on first write (`core.own`), so
 * a fork that touches a thousand members copies a thousand. A fork is meant to live inside one
 * synchronous call: the live engine must not change while it is in use, and the next fork of the
 * same engine reuses its columns (`forkSpare`), so only the latest fork may be read.
 */
import { EngineCore, type MemberIndex } from "./core.js";
import type { Member, OnlineOrder } from "./types.js";

/** The fork's members by id: its own copies first, then the live engine's. */
class MemberOverlay implements MemberIndex {
  readonly #own = new Map<string, Member>();

  constructor(
    private readonly live: MemberIndex,
    private readonly list: readonly Member[],
  ) {}

  get(id: string): Member | undefined {
    return this.#own.get(id) ?? this.live.get(id);
  }

  has(id: string): boolean {
    return this.#own.has(id) || this.live.has(id);
  }

  set(id: string, member: Member): this {
    this.#own.set(id, member);
    return this;
  }

  /** Creation order is the fork's member list (added members come last, as in the live Map). */
  values(): Iterable<Member> {
    return this.list;
  }
}

export function forkCore(live: EngineCore): EngineCore {
  const exitSearch = live.options.exitSearch;
  const core = new EngineCore(live.rules, exitSearch === undefined ? {} : { exitSearch });
  core.day = live.day;
  core.period = live.period;
  core.supply = live.supply;
  core.listed = live.listed;
  Object.assign(core.accounts, live.accounts);
  Object.assign(core.coins, live.coins);
  core.memberList = live.memberList.slice();
  core.sharedMembers = live.memberList;
  core.members = new MemberOverlay(live.members, core.memberList);
  for (const [id, merchant] of live.merchants) core.merchants.set(id, { ...merchant });
  const spare = live.forkSpare;
  core.table = live.table.copy(spare?.table);
  core.withdrawals = live.withdrawals.slice();
  const orders = new Map<number, OnlineOrder>();
  for (const [id, order] of live.onlineOrders) orders.set(id, { ...order });
  core.onlineOrders = orders;
  core.awaiting = live.awaiting.map((order) => orders.get(order.order)!);
  core.exitIndex.copyFrom(live.exitIndex, spare?.exitIndex);
  live.forkSpare = { table: core.table, exitIndex: core.exitIndex };
  return core;
}
