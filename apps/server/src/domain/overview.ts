/** The operator's overview of a tenant (pool, supply, price, every account, counts) and its members. */
import { formatMoney } from "@zengzhi/engine";
import type { Session } from "./auth.js";
import { decodeCursor, toPage } from "./paging.js";
import type { Services } from "./services.js";
import { accountsView, marketView } from "./views.js";

export async function readOverview(services: Services, session: Session) {
  const view = await services.gateway.read(session.tenant, (engine) => ({
    ...marketView(engine),
    accounts: accountsView(engine),
    coins: { imported: formatMoney(engine.coins.imported), redeemed: formatMoney(engine.coins.redeemed) },
    counts: {
      members: engine.members.size,
      merchants: engine.merchants.size,
      positions: engine.positionCount,
      withdrawalsPending: engine.withdrawals.filter((w) => w.status === "pending").length,
    },
  }));
  return { ...view, paused: await services.isPaused(session.tenant) };
}

/** Members by id after the cursor, with wallet, coins, health value and counts. */
export function listMembers(
  services: Services,
  session: Session,
  query: { cursor?: string | undefined; limit: number },
) {
  const after = decodeCursor(query.cursor) ?? "";
  return services.gateway.read(session.tenant, (engine) => {
    const ids = [...engine.members.keys()]
      .filter((id) => id > after)
      .sort()
      .slice(0, query.limit + 1);
    return toPage(
      ids,
      query.limit,
      (id) => id,
      (id) => {
        const m = engine.members.get(id)!;
        return {
          id,
          inviter: m.inviter,
          wallet: formatMoney(m.wallet),
          coins: formatMoney(m.coins),
          health: formatMoney(m.health),
          orders: m.orders,
          positions: engine.memberPositions(id).length,
        };
      },
    );
  });
}
