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

/**
 * The fork's members by id. A live member is found through the live Map and then read from the
 * fork's list at its index (where the fork's copy replaces it once written), so copying a member
 * costs no Map insertion; only members the fork adds have a Map of their own.
 */
class MemberOverlay implements MemberIndex {
  readonly #added = new Map<string, Member>();

  constructor(
    private readonly live: MemberIndex,
    private readonly list: readonly Member[],
  ) {}

  get(id: string): Member | undefined {
    const live = this.live.get(id);
    return live === undefined ? this.#added.get(id) : this.list[live.index];
  }

  has(id: string): boolean {
    return this.live.has(id) || this.#added.has(id);
  }

  set(id: string, member: Member): this {
    // A copy of a live member is already in the list at its index (core.own put it there).
    if (!this.live.has(id)) this.#added.set(id, member);
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
  core.prepaid.copyFrom(live.prepaid);
  live.forkSpare = { table: core.table, exitIndex: core.exitIndex };
  return core;
}
