/**
 * Refunds through WeChat Pay or Alipay (issue 12): the ledger's refund is decided and applied once by
 * the engine (orders.ts); this sends the money back through the provider that took it. The refund
 * reference is derived from the payment's (`R` + reference), so a retry, a re-sent request or a sweep
 * never refunds twice: both providers treat a known out_refund_no / out_request_no as the same refund.
 * WeChat finishes on its REFUND.* notification (or a query), Alipay on its synchronous answer (or a
 * query); a row moves from pending to succeeded or failed once.
 */
import { ProviderError, type PaymentEvent, type PaymentProvider, type RefundStatus } from "@zengzhi/payments";
import type { ProviderPaymentRow } from "../db/provider-payments.js";
import {
  finishProviderRefund,
  insertProviderRefund,
  selectPendingRefunds,
  selectProviderRefund,
  type ProviderRefundRow,
} from "../db/provider-refunds.js";
import { LIMITS } from "../limits.js";
import type { Actor } from "./audit-log.js";
import { ApiError } from "./errors.js";
import { notifyUrlOf, providerFor } from "./tenant-provider.js";
import type { Services } from "./services.js";

export const refundReferenceOf = (reference: string) => `R${reference}`;

/** Records a final answer once, with its audit entry; a pending answer changes nothing. */
async function applyRefundStatus(services: Services, actor: Actor, status: RefundStatus): Promise<void> {
  if (status.state === "pending") return;
  const finished = await finishProviderRefund(services.sql, actor.tenant, {
    refundReference: status.refundReference,
    state: status.state,
    providerReference: status.providerReference ?? "",
  });
  if (!finished) return;
  await services.audit.recordBy(actor, {
    action: `order.provider-refund-${status.state}`,
    target: `refund ${status.refundReference}`,
  });
}

/** Asks the provider where a refund stands; a refund it never received is sent (again) instead. */
async function askProvider(provider: PaymentProvider, row: ProviderRefundRow, notifyUrl: string) {
  try {
    const status = await provider.queryRefund(row.refund_reference, row.reference);
    if (status.state !== "pending" || provider.name === "wechat") return status;
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
  }
  return sendRefund(provider, row, notifyUrl);
}

function sendRefund(provider: PaymentProvider, row: ProviderRefundRow, notifyUrl: string) {
  const amountFen = BigInt(row.amount_fen);
  return provider.refund({
    reference: row.reference,
    refundReference: row.refund_reference,
    amountFen,
    totalFen: amountFen,
    reason: "订单退款",
    ...(provider.name === "wechat" ? { notifyUrl } : {}),
  });
}

/**
 * Sends a paid attempt's money back through its provider (idempotent): records the refund, sends
 * it, and records the answer when final. A provider that cannot be reached leaves it pending for the
 * sweep. Answers the refund's row as it stands.
 */
export async function refundThroughProvider(
  services: Services,
  actor: Actor,
  attempt: ProviderPaymentRow,
): Promise<ProviderRefundRow> {
  const tenant = actor.tenant;
  const row = await insertProviderRefund(services.sql, tenant, {
    refund_reference: refundReferenceOf(attempt.reference),
    reference: attempt.reference,
    order_id: attempt.order_id,
    provider: attempt.provider,
    amount_fen: attempt.amount_fen,
  });
  if (row.state !== "pending") return row;
  try {
    const provider = await providerFor(services, tenant, attempt.provider);
    let status = await sendRefund(provider, row, notifyUrlOf(services, tenant, attempt.provider));
    // Alipay's repeated request answers fund_change N: its query says whether the money moved.
    if (status.state === "pending" && provider.name === "alipay")
      status = await provider.queryRefund(row.refund_reference, row.reference);
    await applyRefundStatus(services, actor, status);
  } catch (error) {
    if (!(error instanceof ProviderError) && !(error instanceof ApiError)) throw error;
  }
  return (await selectProviderRefund(services.sql, tenant, row.refund_reference)) ?? row;
}

/** A verified REFUND.* notification: ours, with our amount, finished once; anything else refused. */
export async function receiveRefundEvent(
  services: Services,
  actor: Actor,
  event: PaymentEvent & { type: "refund_succeeded" | "refund_failed" },
): Promise<void> {
  const row = await selectProviderRefund(services.sql, actor.tenant, event.refundReference);
  if (row === undefined || row.reference !== event.reference || BigInt(row.amount_fen) !== event.amountFen)
    throw new ApiError(
      400,
      "invalid_callback",
      "the notification does not match our refund; nothing was changed",
    );
  await applyRefundStatus(services, actor, {
    refundReference: event.refundReference,
    state: event.type === "refund_succeeded" ? "succeeded" : "failed",
    amountFen: event.amountFen,
    providerReference: event.providerReference,
  });
}

/** Asks the providers about a tenant's pending refunds older than `ageSeconds` (bounded batch). */
export async function sweepProviderRefunds(
  services: Services,
  actor: Actor,
  ageSeconds: number,
): Promise<number> {
  const rows = await selectPendingRefunds(services.sql, actor.tenant, {
    ageSeconds,
    limit: LIMITS.providerSweepBatchMax,
  });
  for (const row of rows) {
    try {
      const provider = await providerFor(services, actor.tenant, row.provider);
      const status = await askProvider(provider, row, notifyUrlOf(services, actor.tenant, row.provider));
      await applyRefundStatus(services, actor, status);
    } catch (error) {
      if (!(error instanceof ProviderError) && !(error instanceof ApiError)) throw error;
    }
  }
  return rows.length;
}
