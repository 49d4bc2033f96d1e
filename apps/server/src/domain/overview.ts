/** The operator's overview of a tenant: pool, supply, price, every account and counts. */
import { formatMoney } from "@zengzhi/engine";
import type { Session } from "./auth.js";
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
