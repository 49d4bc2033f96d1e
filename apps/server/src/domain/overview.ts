/** The operator's overview of a tenant (pool, supply, price, every account, counts) and its members. */
import { formatHealth, formatMoney } from "@zengzhi/engine";
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
      members: engine.memberCount,
      merchants: engine.merchantCount,
      positions: engine.positionCount,
      withdrawalsPending: engine.withdrawalCount("pending"),
    },
  }));
  return { ...view, paused: await services.isPaused(session.tenant) };
}

/**
 * Members in the order they joined, a page after the cursor (the engine's member index), with
 * wallet, coins, health value and counts: a page costs one page of reads, however many members.
 */
export function listMembers(
  services: Services,
  session: Session,
  query: { cursor?: string | undefined; limit: number },
) {
  const cursor = Number(decodeCursor(query.cursor));
  const after = Number.isSafeInteger(cursor) && cursor >= 0 ? { after: cursor } : {};
  return services.gateway.read(session.tenant, (engine) =>
    toPage(
      engine.members({ ...after, limit: query.limit + 1 }),
      query.limit,
      (m) => m.index,
      (m) => ({
        id: m.id,
        inviter: m.inviter,
        wallet: formatMoney(m.wallet),
        coins: formatMoney(m.coins),
        health: formatHealth(m.health),
        orders: m.orders,
        positions: m.positions,
      }),
    ),
  );
}
