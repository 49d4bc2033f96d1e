/** The operator's withdrawal queue and decisions (approve, or reject with the cash back to the wallet). */
import type { Session } from "./auth.js";
import type { RequestKey } from "./idempotency.js";
import { decodeCursor, toPage } from "./paging.js";
import type { Services } from "./services.js";
import { withdrawalJson, withdrawalView } from "./views.js";
import { noteBy } from "./audit-log.js";
import { expecting, withdrawalDecisionCommands } from "./previews.js";
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

/**
 * Several decisions at once, approvals first, each its own ledger command (keyed by its place in the
 * batch). The first carries the preview's stateHash: a stale batch is refused before anything is
 * written. Later ones are not held to it (the first one moved the state as previewed).
 */
export async function decideWithdrawals(
  services: Services,
  request: { session: Session; keyOf: (index: number) => RequestKey },
  input: { approve?: number[] | undefined; reject?: number[] | undefined; stateHash?: string | undefined },
) {
  const { session } = request;
  const commands = withdrawalDecisionCommands(input);
  for (const [index, command] of commands.entries()) {
    const decision = command.type === "withdrawApprove" ? "approve" : "reject";
    await services.gateway.submit(
      session.tenant,
      request.keyOf(index).ledger,
      index === 0 ? { ...command, ...expecting(input.stateHash) } : command,
      noteBy(session, { action: `withdrawal.${decision}`, target: `withdrawal ${command.withdrawal}` }),
    );
  }
  return { approved: input.approve ?? [], rejected: input.reject ?? [] };
}
