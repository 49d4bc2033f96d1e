/**
 * Paying an order through WeChat Pay or Alipay (issue 12): the member picks a method, the tenant's
 * provider creates the payment and tells the client what to do; the order becomes paid only when a
 * verified notification says so, once, through the same path as the sandbox (app_payment_callbacks
 * replay guard, then the engine's orderPaid). A payment for a cancelled order is refunded.
 */
import { randomBytes } from "node:crypto";
import {
  providerOf,
  settlePayment,
  type ClientAction,
  type IncomingNotification,
  type PaymentEvent,
  type PaymentMethod,
  type PaymentRecord,
} from "@zengzhi/payments";
import { markPaid, selectOrder, type OrderRow } from "../db/orders.js";
import {
  insertProviderPayment,
  selectPaidAttempt,
  selectProviderPayment,
  setProviderReference,
} from "../db/provider-payments.js";
import { selectOpenidOfMember } from "../db/sign-in.js";
import type { Session } from "./auth.js";
import { ApiError, conflict, notFound } from "./errors.js";
import { orderView, submitPaidOrder } from "./orders.js";
import type { ProviderName } from "./payment-settings.js";
import { receiveRefundEvent, refundThroughProvider } from "./provider-refunds.js";
import type { Services } from "./services.js";
import { notifyUrlOf, providerFor, unavailable } from "./tenant-provider.js";
import { receiveTransferNotification } from "./payouts.js";

export type ProviderMethod = Exclude<PaymentMethod, "sandbox">;

/** What the client does next, as the contract's view (one shape for every kind). */
function actionView(action: ClientAction) {
  switch (action.kind) {
    case "redirect":
      return { kind: action.kind, url: action.url };
    case "qr":
      return { kind: action.kind, codeUrl: action.codeUrl };
    case "jsapi":
      return { kind: action.kind, jsapi: action.parameters };
    case "sandbox":
      return { kind: action.kind };
  }
}

/** The member starts paying an own unpaid order with a provider's method. */
export async function requestOrderPayment(
  services: Services,
  request: { session: Session; clientIp: string },
  input: { id: number; method: ProviderMethod; openid?: string | undefined },
) {
  const { session } = request;
  const tenant = session.tenant;
  await services.refuseWhenPaused(tenant);
  const order = await selectOrder(services.sql, tenant, input.id);
  if (order === undefined || order.member_id !== session.memberId) throw notFound(`order ${input.id}`);
  if (order.status !== "created") throw conflict("this order is not waiting for payment");
  const name = providerOf(input.method);
  if (name === "sandbox") throw unavailable();
  // WeChat's in-app payment is made for one payer: the openid the client names, else the one the
  // member linked by signing in with WeChat (app_wechat_identities); without one it cannot start.
  const openid =
    input.method === "wechat_jsapi"
      ? input.openid || (await selectOpenidOfMember(services.sql, tenant, order.member_id))?.openid
      : input.openid;
  if (input.method === "wechat_jsapi" && !openid) throw unavailable();
  const provider = await providerFor(services, tenant, name);
  // The providers' out_trade_no: at most 32 letters and digits, fresh for each attempt.
  const reference = `Z${order.order_id}T${randomBytes(6).toString("hex")}`;
  await insertProviderPayment(services.sql, tenant, {
    reference,
    order_id: order.order_id,
    provider: name,
    method: input.method,
    amount_fen: order.amount_fen,
  });
  const action = await provider.createPayment(
    {
      method: input.method,
      reference,
      amountFen: BigInt(order.amount_fen),
      description: (order.product_name ?? order.product_id).slice(0, 120),
      notifyUrl: notifyUrlOf(services, tenant, name),
      // The member's waiting page in the web app, which follows the payment until it is paid.
      returnUrl: `${services.publicUrl}/orders/${order.order_id}`,
      ...(openid ? { payerOpenid: openid } : {}),
      payerClientIp: request.clientIp,
    },
    new Date(services.now()),
  );
  await services.audit.recordBy(session, {
    action: "order.pay-request",
    target: `order ${order.order_id}`,
    detail: { method: input.method },
  });
  return { order: orderView(order), action: actionView(action) };
}

function recordOf(
  order: OrderRow,
  attempt: { amount_fen: string; reference: string },
  paidBy: string | undefined,
): PaymentRecord {
  const state = order.status === "created" ? "open" : order.status === "cancelled" ? "cancelled" : "paid";
  return {
    reference: attempt.reference,
    amountFen: BigInt(attempt.amount_fen),
    state,
    ...(paidBy ? { providerReference: paidBy } : {}),
  };
}

const PROVIDER_ACTOR = (name: ProviderName) => ({ username: name, role: "provider" });

type PaidEvent = PaymentEvent & { type: "payment_paid" };

/**
 * Applies a verified payment, whether a notification or a query said so, exactly once: the replay
 * guard's key is the payment's reference (not the notification's id), so the notification and the
 * query cannot both pay the order. Paid after cancellation, or paid twice: refunded.
 */
export async function settleProviderPayment(
  services: Services,
  target: { provider: ProviderName; tenant: string },
  event: PaidEvent,
): Promise<void> {
  const { tenant } = target;
  const actor = { tenant, ...PROVIDER_ACTOR(target.provider) };
  const attempt = await selectProviderPayment(services.sql, tenant, event.reference);
  const order = attempt && (await selectOrder(services.sql, tenant, Number(attempt.order_id)));
  const paidBy = order && (await selectPaidAttempt(services.sql, tenant, order.order_id))?.provider_reference;
  const settlement = settlePayment(
    event,
    attempt && order && attempt.provider === target.provider
      ? recordOf(order, attempt, paidBy ?? undefined)
      : undefined,
  );
  if (settlement.action === "refused") {
    throw new ApiError(
      400,
      "invalid_callback",
      `the notification does not match our payment (${settlement.rejection}); nothing was changed`,
    );
  }
  if (attempt === undefined || order === undefined) return;
  if (settlement.action === "refund") await refundThroughProvider(services, actor, attempt);
  if (settlement.action !== "mark_paid") return;
  const paid = await markPaid(
    services.sql,
    {
      tenant,
      nonce: `${target.provider}:paid:${attempt.reference}`,
      paymentId: order.payment_id,
      orderId: Number(order.order_id),
    },
    (row): row is OrderRow => row !== undefined && BigInt(row.amount_fen) === event.amountFen,
  );
  if (paid === "replayed") return;
  if (paid === "mismatch") throw new ApiError(400, "invalid_callback", "the amount does not match the order");
  if (paid.status === "cancelled") {
    await refundThroughProvider(services, actor, attempt);
    return;
  }
  await setProviderReference(services.sql, tenant, attempt.reference, event.providerReference);
  await submitPaidOrder(services, paid, actor);
}

/**
 * A notification from a provider: verified, then applied exactly once. Anything refused answers
 * 400 (the provider re-sends; a genuine one verifies later) and changes nothing.
 */
export async function receiveProviderNotification(
  services: Services,
  target: { provider: ProviderName; tenant: string },
  incoming: IncomingNotification,
): Promise<{ ok: true }> {
  if (!(await services.tenantExists(target.tenant)))
    throw new ApiError(400, "invalid_callback", "unknown tenant");
  const provider = await providerFor(services, target.tenant, target.provider).catch(() => {
    throw new ApiError(400, "invalid_callback", "this scheme has no such provider");
  });
  const verified = provider.verifyNotification(incoming, new Date(services.now()));
  if (!verified.ok) {
    const code = verified.rejection === "notification_stale" ? "replayed_callback" : "invalid_signature";
    throw new ApiError(
      400,
      code,
      `the notification was refused (${verified.rejection}); nothing was changed`,
    );
  }
  const { event } = verified.notification;
  if (event.type === "transfer_finished") {
    // A payout's end: settled by asking the provider (payouts.ts), the notification only says when.
    await receiveTransferNotification(services, target.tenant, event.transferReference);
    return { ok: true };
  }
  if (event.type === "payment_paid") await settleProviderPayment(services, target, event);
  if (event.type === "refund_succeeded" || event.type === "refund_failed")
    await receiveRefundEvent(services, { tenant: target.tenant, ...PROVIDER_ACTOR(target.provider) }, event);
  return { ok: true };
}
