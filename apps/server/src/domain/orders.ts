/**
 * Online orders: created, paid through the payment provider (the sandbox signs its callback; forged
 * or replayed callbacks change nothing), and submitted to the engine as an `order` once the rule
 * set's refund window has passed. Members see their own, merchants their merchant's, operators all.
 */
import { randomUUID } from "node:crypto";
import { formatMoney, formatPoints } from "@zengzhi/engine";
import {
  claimForSettlement,
  insertOrder,
  markPaid,
  recordSettlement,
  refundOrCancel,
  selectDueOrders,
  selectOrder,
  selectOrders,
  unclaimSettlement,
  type OrderRow,
  type OrderStatus,
} from "../db/orders.js";
import { LIMITS } from "../limits.js";
import type { Session } from "./auth.js";
import { ApiError, conflict, notFound } from "./errors.js";
import { once, type RequestKey } from "./idempotency.js";
import type { Outcome } from "./ledger-gateway.js";
import { decodeCursor, toPage } from "./paging.js";
import type { PaymentCallback } from "./payments.js";
import { findProduct } from "./products.js";
import type { Services } from "./services.js";

export const orderView = (row: OrderRow) => ({
  id: Number(row.order_id),
  member: row.member_id,
  merchant: row.merchant_id,
  productId: row.product_id,
  quantity: row.quantity,
  amount: formatMoney(BigInt(row.amount_fen)),
  status: row.status,
  paidDay: row.paid_day,
  settleDay: row.settle_day,
  position: row.position_id,
  points: row.points,
  createdAt: new Date(row.created_at).toISOString(),
  payment: { provider: "sandbox", paymentId: row.payment_id },
});

/** Members see their own orders, merchants their own merchant's, operators all; others get 404. */
function mayRead(session: Session, order: OrderRow): boolean {
  if (session.role === "operator") return true;
  if (session.role === "merchant") return session.merchantId === order.merchant_id;
  return session.memberId === order.member_id;
}

async function findOrder(services: Services, tenant: string, id: number): Promise<OrderRow> {
  const order = await selectOrder(services.sql, tenant, id);
  if (order === undefined) throw notFound(`order ${id}`);
  return order;
}

async function findReadableOrder(services: Services, session: Session, id: number): Promise<OrderRow> {
  const order = await findOrder(services, session.tenant, id);
  if (!mayRead(session, order)) throw notFound(`order ${order.order_id}`);
  return order;
}

export async function readOrder(services: Services, session: Session, id: number) {
  return orderView(await findReadableOrder(services, session, id));
}

export async function listOrders(
  services: Services,
  session: Session,
  query: { cursor?: string | undefined; limit: number; status?: OrderStatus | undefined },
) {
  const cursor = decodeCursor(query.cursor);
  const rows = await selectOrders(services.sql, {
    tenant: session.tenant,
    member: session.role === "member" ? session.memberId : null,
    merchant: session.role === "merchant" ? session.merchantId : null,
    status: query.status ?? null,
    before: cursor === undefined || !/^\d+$/.test(cursor) ? null : cursor,
    limit: query.limit + 1,
  });
  return toPage(rows, query.limit, (r) => r.order_id, orderView);
}

/** A member orders a product online (then pays it); once per request key. */
export async function createOrder(
  services: Services,
  request: { session: Session; key: RequestKey },
  input: { productId: string; quantity?: number | undefined },
) {
  const { session } = request;
  const tenant = session.tenant;
  await services.refuseWhenPaused(tenant);
  const product = await findProduct(services, tenant, input.productId);
  if (!product.active)
    throw new ApiError(409, "product_inactive", "this product is no longer sold", "productId");
  const quantity = input.quantity ?? 1;
  const amount = BigInt(product.price_fen) * BigInt(quantity);
  if (amount > LIMITS.amountFenMax)
    throw new ApiError(400, "out_of_range", "the order amount is above the limit", "quantity");
  return once(services.sql, { tenant, key: request.key }, async () => {
    const row = await insertOrder(services.sql, {
      tenant,
      member: session.memberId!,
      merchant: product.merchant_id,
      product: product.product_id,
      quantity,
      amountFen: amount,
      split: product.split,
      paymentId: `pay-${randomUUID()}`,
    });
    const order = orderView(row);
    services.audit.recordBy(session, { action: "order.create", target: `order ${order.id}` });
    return { status: 201, body: order };
  });
}

/**
 * Submits a paid order whose refund window has passed to the engine, once: the row is claimed first
 * (paid → settled), then the command goes to the ledger under a key derived from the order id, so a
 * crash between the two is repaired by submitting again (see settleDueOrders).
 */
async function settleOrder(services: Services, tenant: string, orderId: string): Promise<OrderRow | null> {
  const row = await claimForSettlement(services.sql, tenant, orderId);
  if (row === undefined) return null;
  return submitSettlement(services, tenant, row);
}

async function submitSettlement(services: Services, tenant: string, row: OrderRow): Promise<OrderRow> {
  const command = {
    type: "order" as const,
    member: row.member_id,
    amount: formatMoney(BigInt(row.amount_fen)),
    merchant: row.merchant_id,
    ...(row.split === null ? {} : { split: row.split as never }),
  };
  let outcome: Outcome;
  try {
    outcome = await services.gateway.submit(tenant, `order-settle|${row.order_id}`, command);
  } catch (error) {
    // The engine refused (e.g. the scheme has listed): the order stays paid and can be refunded.
    await unclaimSettlement(services.sql, tenant, row.order_id);
    throw error;
  }
  const position = typeof outcome.position === "number" ? outcome.position : null;
  const points =
    typeof outcome.points === "string"
      ? outcome.points
      : position === null
        ? null
        : await services.gateway.read(tenant, (engine) => {
            const view = engine.position(position);
            return view === undefined ? null : formatPoints(view.points + 0n);
          });
  return recordSettlement(services.sql, tenant, { id: row.order_id, position, points });
}

/** Settles every paid order whose window has passed, and repairs settlements a crash interrupted. */
export async function settleDueOrders(services: Services, tenant: string): Promise<number> {
  const day = await services.gateway.read(tenant, (engine) => engine.day);
  let settled = 0;
  for (;;) {
    const rows = await selectDueOrders(services.sql, tenant, day, LIMITS.settleBatchMax);
    if (rows.length === 0) return settled;
    for (const row of rows) {
      if (row.status === "paid") {
        if ((await settleOrder(services, tenant, row.order_id)) !== null) settled++;
      } else {
        await submitSettlement(services, tenant, await findOrder(services, tenant, Number(row.order_id)));
      }
    }
  }
}

/** Applies a verified payment callback: replay check and state change in one transaction. */
export async function applyPayment(services: Services, callback: PaymentCallback): Promise<OrderRow> {
  const tenant = callback.tenant;
  if (!(await services.tenantExists(tenant))) throw new ApiError(400, "invalid_callback", "unknown tenant");
  const { day, window } = await services.gateway.read(tenant, (engine) => ({
    day: engine.day,
    window: engine.rules.refundWindowDays,
  }));
  const paid = await markPaid(
    services.sql,
    {
      tenant,
      nonce: callback.nonce,
      paymentId: callback.paymentId,
      orderId: callback.orderId,
      paidDay: day,
      settleDay: day + window,
    },
    (order): order is OrderRow =>
      order !== undefined &&
      order.payment_id === callback.paymentId &&
      formatMoney(BigInt(order.amount_fen)) === callback.amount,
  );
  if (paid === "replayed")
    throw new ApiError(400, "replayed_callback", "this callback was already received; nothing was changed");
  if (paid === "mismatch")
    throw new ApiError(400, "invalid_callback", "the callback does not match the order's payment or amount");
  if (paid.status === "paid" && paid.settle_day !== null && paid.settle_day <= day) {
    return (await settleOrder(services, tenant, paid.order_id)) ?? paid;
  }
  return paid;
}

/** The member pays an own order with the sandbox provider, which delivers its signed callback. */
export async function payOrder(services: Services, session: Session, id: number) {
  const tenant = session.tenant;
  const order = await findOrder(services, tenant, id);
  if (order.member_id !== session.memberId) throw notFound(`order ${order.order_id}`);
  if (order.status !== "created") return orderView(order);
  await services.refuseWhenPaused(tenant);
  const signed = services.payments.signCallback(
    {
      tenant,
      paymentId: order.payment_id,
      orderId: Number(order.order_id),
      amount: formatMoney(BigInt(order.amount_fen)),
    },
    services.now(),
  );
  const paid = await applyPayment(
    services,
    services.payments.verify(signed.body, signed.signature, services.now()),
  );
  services.audit.recordBy(session, { action: "order.pay", target: `order ${order.order_id}` });
  return orderView(paid);
}

/** The sandbox provider's signed callback, verified over the raw body received. */
export async function receivePaymentCallback(
  services: Services,
  raw: { body: string; signature: string | undefined },
) {
  const callback = services.payments.verify(raw.body, raw.signature, services.now());
  const order = await applyPayment(services, callback);
  services.audit.record({
    tenant: callback.tenant,
    actor: "sandbox",
    role: "provider",
    action: "payment.callback",
    target: `order ${callback.orderId}`,
  });
  return { ok: true, order: orderView(order) };
}

/** Refunds a paid order inside its refund window (no pool effect), or cancels an unpaid one. */
export async function refundOrder(services: Services, session: Session, id: number) {
  const tenant = session.tenant;
  const order = await findReadableOrder(services, session, id);
  if (order.status === "refunded" || order.status === "cancelled") return orderView(order);
  const day = await services.gateway.read(tenant, (engine) => engine.day);
  const refunded = await refundOrCancel(services.sql, tenant, order.order_id, day);
  if (refunded === undefined)
    throw conflict("the refund window of this order has passed; its points were issued");
  services.audit.recordBy(session, { action: "order.refund", target: `order ${order.order_id}` });
  return orderView(refunded);
}
