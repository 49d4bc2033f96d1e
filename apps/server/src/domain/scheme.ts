/**
 * Running the scheme: the pause switch, closing the day (the engine advances, then paid orders past
 * their refund window settle) and reconciliation of the bank or escrow balance against what the
 * engine holds for members.
 */
import { DecimalError, MONEY_DECIMALS, formatMoney, parseDecimal } from "@zengzhi/engine";
import { LIMITS } from "../limits.js";
import type { Session } from "./auth.js";
import { ApiError } from "./errors.js";
import type { RequestKey } from "./idempotency.js";
import { settleDueOrders } from "./orders.js";
import type { Services } from "./services.js";
import { samplePrice } from "./transparency.js";

export async function setPause(services: Services, session: Session, paused: boolean) {
  await services.setPaused(session.tenant, paused);
  services.audit.recordBy(session, { action: paused ? "pause" : "resume", target: null });
  return { paused };
}

export async function closeDay(
  services: Services,
  request: { session: Session; key: RequestKey },
  input: { days?: number | undefined },
) {
  const { session } = request;
  const tenant = session.tenant;
  const days = input.days ?? 1;
  await services.gateway.submit(tenant, request.key.ledger, { type: "advance", days });
  const settledOrders = await settleDueOrders(services, tenant);
  await samplePrice(services, tenant, true);
  services.audit.recordBy(session, { action: "close-day", target: null, detail: { days, settledOrders } });
  return { day: await services.gateway.read(tenant, (engine) => engine.day), settledOrders };
}

/** Compares the bank or escrow balance with pool + wallets + pending withdrawals. */
export async function reconcile(services: Services, session: Session, input: { balance: string }) {
  let balance: bigint;
  try {
    balance = parseDecimal(input.balance.trim(), MONEY_DECIMALS);
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
  const a = await services.gateway.read(session.tenant, (engine) => ({ ...engine.accounts }));
  const expected = a.pool + a.wallets + a.withdrawalsPending;
  services.audit.recordBy(session, {
    action: "reconciliation",
    target: null,
    detail: { balance: formatMoney(balance), difference: formatMoney(balance - expected) },
  });
  return {
    balance: formatMoney(balance),
    pool: formatMoney(a.pool),
    wallets: formatMoney(a.wallets),
    withdrawalsPending: formatMoney(a.withdrawalsPending),
    expected: formatMoney(expected),
    difference: formatMoney(balance - expected),
  };
}
