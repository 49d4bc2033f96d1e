/**
 * Settling by query (issue 12): a payment whose notification never arrives (a lost callback, a
 * firewall, a provider outage) is resolved by asking the provider, when the member's waiting page
 * polls the order's payment and by a bounded background sweep of attempts older than a minute. Both
 * go through settleProviderPayment, so whichever of notification and query comes first pays the
 * order, once. The same sweep finishes provider refunds still pending.
 */
import { ProviderError, type PaymentStatus } from "@zengzhi/payments";
import { selectOrder } from "../db/orders.js";
import {
  selectOrderAttempts,
  selectWaitingAttempts,
  type ProviderPaymentRow,
} from "../db/provider-payments.js";
import { selectOrderRefund } from "../db/provider-refunds.js";
import { LIMITS } from "../limits.js";
import type { Session } from "./auth.js";
import { ApiError } from "./errors.js";
import { findReadableOrder, orderView } from "./orders.js";
import { settleProviderPayment } from "./provider-payments.js";
import { sweepProviderRefunds } from "./provider-refunds.js";
import type { Services } from "./services.js";
import { providerFor } from "./tenant-provider.js";

const SWEEP_ACTOR = { username: "zengzhi", role: "service" };

/** Asks the attempt's provider; a paid answer settles it. An unreachable provider counts as "not yet". */
async function queryAttempt(services: Services, tenant: string, attempt: ProviderPaymentRow) {
  let status: PaymentStatus;
  try {
    const provider = await providerFor(services, tenant, attempt.provider);
    status = await provider.queryPayment(attempt.reference);
  } catch (error) {
    if (error instanceof ProviderError || error instanceof ApiError) return;
    throw error;
  }
  if (status.state !== "paid" || status.reference !== attempt.reference) return;
  const event = {
    type: "payment_paid" as const,
    reference: attempt.reference,
    providerReference: status.providerReference ?? "",
    amountFen: status.amountFen,
    paidAt: "",
  };
  await settleProviderPayment(services, { provider: attempt.provider, tenant }, event).catch(
    (error: unknown) => {
      // A refused answer (wrong amount, unknown reference) changes nothing, as for a notification.
      if (!(error instanceof ApiError)) throw error;
    },
  );
}

/**
 * The order's payment as its waiting page follows it: while the order waits, its latest provider
 * attempts are asked about first. Readable by whoever may read the order.
 */
export async function readOrderPayment(services: Services, session: Session, id: number) {
  const tenant = session.tenant;
  let order = await findReadableOrder(services, session, id);
  const attempts = await selectOrderAttempts(
    services.sql,
    tenant,
    order.order_id,
    LIMITS.providerPollAttemptsMax,
  );
  if (order.status === "created") {
    for (const attempt of attempts)
      if (attempt.provider_reference === null) await queryAttempt(services, tenant, attempt);
    order = (await selectOrder(services.sql, tenant, id)) ?? order;
  }
  const latest = attempts[0];
  const refund = await selectOrderRefund(services.sql, tenant, order.order_id);
  return {
    order: orderView(order),
    paid: order.status !== "created" && order.status !== "cancelled",
    attempt: latest === undefined ? null : { provider: latest.provider, method: latest.method },
    refund: refund === undefined ? null : { provider: refund.provider, state: refund.state },
  };
}

/** One sweep of a tenant: waiting attempts older than `ageSeconds`, then pending refunds. */
export async function sweepProviderPayments(
  services: Services,
  tenant: string,
  ageSeconds: number,
): Promise<{ payments: number; refunds: number }> {
  const attempts = await selectWaitingAttempts(services.sql, tenant, {
    ageSeconds,
    limit: LIMITS.providerSweepBatchMax,
  });
  for (const attempt of attempts) await queryAttempt(services, tenant, attempt);
  const refunds = await sweepProviderRefunds(services, { tenant, ...SWEEP_ACTOR }, ageSeconds);
  return { payments: attempts.length, refunds };
}

/** The background sweep: every `intervalMs`, each tenant once; one run at a time; failures reported. */
export function startPaymentSweep(
  services: Services,
  options: { intervalMs: number; ageSeconds: number; onError: (error: unknown) => void },
): { stop(): Promise<void>; runNow(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const runOnce = async () => {
    for (const tenant of await services.ledger.listTenants())
      await sweepProviderPayments(services, tenant, options.ageSeconds);
  };
  const run = () => {
    running = running.then(runOnce).then(
      () => undefined,
      (error: unknown) => options.onError(error),
    );
    return running;
  };
  const timer = setInterval(() => void run(), options.intervalMs);
  timer.unref();
  return {
    runNow: run,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
