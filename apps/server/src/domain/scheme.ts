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
import { projectSettled } from "./orders.js";
import type { Services } from "./services.js";
import { recordLiabilities } from "./liabilities.js";
import { samplePrice } from "./transparency.js";
import { noteBy } from "./audit-log.js";
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

export async function closeDay(
  services: Services,
  request: { session: Session; key: RequestKey },
  input: { days?: number | undefined; stateHash?: string | undefined },
) {
  const { session } = request;
  const tenant = session.tenant;
  const days = input.days ?? 1;
  const outcome = await services.gateway.submit(
    tenant,
    request.key.ledger,
    { type: "advance", days, ...expecting(input.stateHash) },
    noteBy(session, { action: "close-day", target: null, detail: { days } }),
  );
  const settledOrders = await projectSettled(services, tenant, outcome);
  await samplePrice(services, tenant, true);
  await recordLiabilities(services, tenant, { seq: Number(outcome.seq), days });
  return { day: await services.gateway.read(tenant, (engine) => engine.day), settledOrders };
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
