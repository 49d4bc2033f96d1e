/** The operator's withdrawal queue and decisions (approve, or reject with the cash back to the wallet). */
import type { Session } from "./auth.js";
import type { RequestKey } from "./idempotency.js";
import { decodeCursor, encodeCursor } from "./paging.js";
import type { Services } from "./services.js";
import { withdrawalView } from "./views.js";

export type WithdrawalStatus = "pending" | "approved" | "rejected";

/** The queue, newest first, optionally one status. */
export function listWithdrawals(
  services: Services,
  session: Session,
  query: { cursor?: string | undefined; limit: number; status?: WithdrawalStatus | undefined },
) {
  const cursor = Number(decodeCursor(query.cursor) ?? Number.MAX_SAFE_INTEGER);
  return services.gateway.read(session.tenant, (engine) => {
    const items = [];
    for (let i = engine.withdrawals.length - 1; i >= 0 && items.length <= query.limit; i--) {
      const w = engine.withdrawals[i]!;
      if (w.id < cursor && (query.status === undefined || w.status === query.status))
        items.push(withdrawalView(engine, w.id)!);
    }
    const more = items.length > query.limit;
    const page = more ? items.slice(0, query.limit) : items;
    return { items: page, nextCursor: more ? encodeCursor(page[page.length - 1]!.id) : null };
  });
}

export async function decideWithdrawal(
  services: Services,
  request: { session: Session; key: RequestKey; withdrawal: number },
  decision: "approve" | "reject",
) {
  const { session, withdrawal } = request;
  await services.gateway.submit(session.tenant, request.key.ledger, {
    type: decision === "approve" ? "withdrawApprove" : "withdrawReject",
    withdrawal,
  });
  services.audit.recordBy(session, { action: `withdrawal.${decision}`, target: `withdrawal ${withdrawal}` });
  return services.gateway.read(session.tenant, (engine) => withdrawalView(engine, withdrawal));
}
