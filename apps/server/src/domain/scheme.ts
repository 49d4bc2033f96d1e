/**
 * Running the scheme: the pause switch, closing the day (the engine advances and settles the paid
 * orders whose refund window has passed) and reconciliation of the bank or escrow balance against
 * the engine's custody balance.
 */
import { randomUUID } from "node:crypto";
import { DecimalError, MONEY_DECIMALS, formatMoney, parseDecimal } from "@zengzhi/engine";
import { LIMITS } from "../limits.js";
import type { Session } from "./auth.js";
import { ApiError } from "./errors.js";
import type { RequestKey } from "./idempotency.js";
import { closeDaysManually } from "./day-close.js";
import { once } from "./idempotency.js";
import type { Services } from "./services.js";
import { emitEvent } from "./notifications.js";
import { expecting } from "./previews.js";

export async function setPause(services: Services, session: Session, paused: boolean) {
  await services.setPaused(session.tenant, paused);
  await services.audit.recordBy(session, { action: paused ? "pause" : "resume", target: null });
  // The switch is not a ledger command, so its event is queued here rather than derived from the journal.
  await emitEvent(services, {
    tenant: session.tenant,
    type: "scheme.paused",
    id: `p.${randomUUID()}`,
    data: { paused },
  });
  return { paused };
}

/**
 * The operator's manual close (tests and demos): refused with manual_close_disabled unless the
 * deployment allows it. It closes dates ahead of the clock, so a retried request must not close
 * another one: the answer is recorded once per request key.
 */
export async function closeDay(
  services: Services,
  request: { session: Session; key: RequestKey },
  input: { days?: number | undefined; stateHash?: string | undefined },
) {
  const { session } = request;
  if (!services.manualClose) return closeDaysManually(services, session, { days: 0 });
  // The first close carries the preview's state hash: the engine refuses it with preview_stale when
  // the state moved, and the ledger does not journal that refusal, so the date's key stays free.
  const close = { days: input.days ?? 1, ...expecting(input.stateHash) };
  const answer = await once(services.sql, { tenant: session.tenant, key: request.key }, async () => ({
    status: 200,
    body: await closeDaysManually(services, session, close),
  }));
  return answer.body as Awaited<ReturnType<typeof closeDaysManually>>;
}

/** Compares the bank or escrow balance with the engine's custody balance, part by part. */
export async function reconcile(services: Services, session: Session, input: { balance: string }) {
  let balance: bigint;
  try {
    balance = parseDecimal(input.balance, MONEY_DECIMALS);
  } catch (error) {
    throw new ApiError(
      400,
      error instanceof DecimalError ? error.code : "not_a_decimal",
      (error as Error).message,
      "balance",
    );
  }
  if (balance < 0n || balance > LIMITS.amountFenMax * 1000n)
    throw new ApiError(400, "out_of_range", "the balance is out of range", "balance");
  const custody = await services.gateway.read(session.tenant, (engine) => engine.custody());
  const difference = formatMoney(balance - custody.total);
  await services.audit.recordBy(session, {
    action: "reconciliation",
    target: null,
    detail: { balance: formatMoney(balance), difference },
  });
  return {
    balance: formatMoney(balance),
    pool: formatMoney(custody.pool),
    wallets: formatMoney(custody.wallets),
    withdrawalsPending: formatMoney(custody.withdrawalsPending),
    ordersAwaitingSettlement: formatMoney(custody.ordersAwaitingSettlement),
    expected: formatMoney(custody.total),
    difference,
  };
}
