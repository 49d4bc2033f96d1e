/** The operator's withdrawal queue and decisions (approve, or reject with the cash back to the wallet). */
import type { Session } from "./auth.js";
import type { RequestKey } from "./idempotency.js";
import { decodeCursor, toPage } from "./paging.js";
import type { Services } from "./services.js";
import { withdrawalJson, withdrawalView } from "./views.js";
import { noteBy } from "./audit-log.js";
import { calendarOf } from "./day-close.js";

export type WithdrawalStatus = "pending" | "approved" | "rejected";

/** The queue, newest first, optionally one status. */
export async function listWithdrawals(
  services: Services,
  session: Session,
  query: { cursor?: string | undefined; limit: number; status?: WithdrawalStatus | undefined },
) {
  const cursor = Number(decodeCursor(query.cursor) ?? Number.MAX_SAFE_INTEGER);
  const status = query.status === undefined ? {} : { status: query.status };
  const calendar = await calendarOf(services, session.tenant);
  return services.gateway.read(session.tenant, (engine) => {
    const page = {
      after: Number.isSafeInteger(cursor) ? cursor : 0,
      limit: query.limit + 1,
      newestFirst: true,
    };
    return toPage(
      engine.withdrawals({ ...page, ...status }),
      query.limit,
      (w) => w.id,
      withdrawalJson(calendar),
    );
  });
}

export async function decideWithdrawal(
  services: Services,
  request: { session: Session; key: RequestKey; withdrawal: number },
  decision: "approve" | "reject",
) {
  const { session, withdrawal } = request;
  await services.gateway.submit(
    session.tenant,
    request.key.ledger,
    { type: decision === "approve" ? "withdrawApprove" : "withdrawReject", withdrawal },
    noteBy(session, { action: `withdrawal.${decision}`, target: `withdrawal ${withdrawal}` }),
  );
  const calendar = await calendarOf(services, session.tenant);
  return services.gateway.read(session.tenant, (engine) => withdrawalView(engine, withdrawal, calendar));
}
