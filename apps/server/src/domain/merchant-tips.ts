/**
 * A merchant buys tip points itself (issue 13): paid from its prepaid balance, money the scheme has
 * already received, so the pool entry is funded. The engine decides (tipBuy with funding "prepaid")
 * and refuses a short balance with prepaid_insufficient, writing nothing.
 */
import { formatMoney, formatPoints } from "@zengzhi/engine";
import { noteBy } from "./audit-log.js";
import type { Session } from "./auth.js";
import { forbidden } from "./errors.js";
import type { RequestKey } from "./idempotency.js";
import type { Services } from "./services.js";

export async function buyOwnTipPoints(
  services: Services,
  request: { session: Session; key: RequestKey },
  input: { amount: bigint },
) {
  const { session } = request;
  const merchant = session.merchantId;
  if (merchant === null) throw forbidden("this login belongs to no merchant");
  const amount = formatMoney(input.amount);
  const outcome = await services.gateway.submit(
    session.tenant,
    request.key.ledger,
    { type: "tipBuy", merchant, amount, funding: "prepaid" },
    noteBy(session, { action: "tipBuy", target: merchant, detail: { amount, funding: "prepaid" } }),
  );
  return services.gateway.read(session.tenant, (engine) => ({
    ok: true as const,
    points: outcome.points ?? null,
    tipPoints: formatPoints(engine.merchantBalance(merchant)?.points ?? 0n),
    prepaid: formatMoney(engine.merchantPrepaid(merchant).balance),
  }));
}
