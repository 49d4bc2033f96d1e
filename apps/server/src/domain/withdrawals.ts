/**
 * The operator's withdrawal queue and decisions (approve, or reject with the cash back to the
 * wallet). An approval is checked against the member's payout account first, then pays it out
 * (payouts.ts); the queue shows each withdrawal's payout.
 */
import type { Session } from "./auth.js";
import type { RequestKey } from "./idempotency.js";
import { decodeCursor, toPage } from "./paging.js";
import type { Services } from "./services.js";
import { withdrawalJson, withdrawalView } from "./views.js";
import { noteBy } from "./audit-log.js";
import { expecting, withdrawalDecisionCommands } from "./previews.js";
import { calendarOf } from "./day-close.js";
import { notFound } from "./errors.js";
import { payoutViews, planPayout, startPayout, type PayoutPlan } from "./payouts.js";

export type WithdrawalStatus = "pending" | "approved" | "rejected" | "paid" | "returned";

/** The queue, newest first, optionally one status. */
export async function listWithdrawals(
  services: Services,
  session: Session,
  query: { cursor?: string | undefined; limit: number; status?: WithdrawalStatus | undefined },
) {
  const cursor = Number(decodeCursor(query.cursor) ?? Number.MAX_SAFE_INTEGER);
  const status = query.status === undefined ? {} : { status: query.status };
  const calendar = await calendarOf(services, session.tenant);
  const page = await services.gateway.read(session.tenant, (engine) => {
    const range = {
      after: Number.isSafeInteger(cursor) ? cursor : 0,
      limit: query.limit + 1,
      newestFirst: true,
    };
    return toPage(
      engine.withdrawals({ ...range, ...status }),
      query.limit,
      (w) => w.id,
      withdrawalJson(calendar),
    );
  });
  const payouts = await payoutViews(
    services,
    session.tenant,
    page.items.map((w) => w.id),
  );
  return { ...page, items: page.items.map((w) => ({ ...w, payout: payouts.get(w.id) ?? null })) };
}

/** One withdrawal with its payout, as the approval and the payout operations answer it. */
export async function withdrawalWithPayout(services: Services, tenant: string, withdrawal: number) {
  const calendar = await calendarOf(services, tenant);
  const view = await services.gateway.read(tenant, (engine) => withdrawalView(engine, withdrawal, calendar));
  if (view === undefined) throw notFound(`withdrawal ${withdrawal}`);
  const payouts = await payoutViews(services, tenant, [withdrawal]);
  return { ...view, payout: payouts.get(withdrawal) ?? null };
}

/** The payout plan of a pending withdrawal about to be approved (refused before anything is written). */
async function planOf(
  services: Services,
  tenant: string,
  withdrawal: number,
): Promise<PayoutPlan | undefined> {
  const found = await services.gateway.read(tenant, (engine) => engine.withdrawal(withdrawal));
  // A retried approval whose first attempt stopped before its payout was written plans it again;
  // an unknown or otherwise decided withdrawal is refused by the engine with its own code.
  const unpaid =
    found?.status === "approved" && (await payoutViews(services, tenant, [withdrawal])).size === 0;
  if (found === undefined || (found.status !== "pending" && !unpaid)) return undefined;
  return planPayout(services, tenant, found.member);
}

export async function decideWithdrawal(
  services: Services,
  request: { session: Session; key: RequestKey; withdrawal: number },
  decision: "approve" | "reject",
) {
  const { session, withdrawal } = request;
  const plan = decision === "approve" ? await planOf(services, session.tenant, withdrawal) : undefined;
  await services.gateway.submit(
    session.tenant,
    request.key.ledger,
    { type: decision === "approve" ? "withdrawApprove" : "withdrawReject", withdrawal },
    noteBy(session, { action: `withdrawal.${decision}`, target: `withdrawal ${withdrawal}` }),
  );
  if (plan !== undefined) await startPayout(services, { tenant: session.tenant, withdrawal, plan }, session);
  return withdrawalWithPayout(services, session.tenant, withdrawal);
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
  // Every approval's payout account is checked before the first command is written.
  const plans = new Map<number, PayoutPlan>();
  for (const withdrawal of input.approve ?? []) {
    const plan = await planOf(services, session.tenant, withdrawal);
    if (plan !== undefined) plans.set(withdrawal, plan);
  }
  for (const [index, command] of commands.entries()) {
    const decision = command.type === "withdrawApprove" ? "approve" : "reject";
    await services.gateway.submit(
      session.tenant,
      request.keyOf(index).ledger,
      index === 0 ? { ...command, ...expecting(input.stateHash) } : command,
      noteBy(session, { action: `withdrawal.${decision}`, target: `withdrawal ${command.withdrawal}` }),
    );
    const plan = decision === "approve" ? plans.get(command.withdrawal) : undefined;
    if (plan !== undefined)
      await startPayout(services, { tenant: session.tenant, withdrawal: command.withdrawal, plan }, session);
  }
  return { approved: input.approve ?? [], rejected: input.reject ?? [] };
}
