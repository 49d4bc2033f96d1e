/**
 * Online orders: created here, paid through the payment provider (the sandbox signs its callback;
 * forged or replayed callbacks change nothing), then the engine's: `orderPaid` holds the cash through
 * the rule set's refund window, a day close settles it as an order, `orderRefund` refunds it inside
 * the window. The app_orders row follows the engine's view. Members see their own orders, merchants
 * their merchant's, operators all.
 */
import { randomUUID } from "node:crypto";
import { formatMoney, formatPoints } from "@zengzhi/engine";
import { roleSide } from "@zengzhi/contract";
import {
  cancelUnpaid,
  insertOrder,
  markPaid,
  projectOnlineOrder,
  selectOrder,
  selectOrders,
  selectPaidOrders,
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
import { selectPaidAttempt } from "../db/provider-payments.js";
import { refundThroughProvider } from "./provider-refunds.js";
import type { Services } from "./services.js";
import { type Actor, noteBy } from "./audit-log.js";

export const orderView = (row: OrderRow) => ({
  id: Number(row.order_id),
  member: row.member_id,
  merchant: row.merchant_id,
  productId: row.product_id,
  productName: row.product_name ?? row.product_id,
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

/** Members see their own orders, merchants their own merchant's, the operator's side all; others get 404. */
function mayRead(session: Session, order: OrderRow): boolean {
  const side = roleSide(session.role);
  if (side === "operator") return true;
  if (side === "merchant") return session.merchantId === order.merchant_id;
  return session.memberId === order.member_id;
}

async function findOrder(services: Services, tenant: string, id: number): Promise<OrderRow> {
  const order = await selectOrder(services.sql, tenant, id);
  if (order === undefined) throw notFound(`order ${id}`);
  return order;
}

export async function findReadableOrder(services: Services, session: Session, id: number): Promise<OrderRow> {
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
    merchant: roleSide(session.role) === "merchant" ? session.merchantId : null,
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
  // A frozen member's orders are refused before a row exists (its ledger commands at the gateway).
  await services.refuseWhenFrozen(tenant, session.memberId!);
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
    await services.audit.recordBy(session, { action: "order.create", target: `order ${order.id}` });
    return { status: 201, body: order };
  });
}

/**
 * Hands a paid order to the engine (`orderPaid`, keyed by the order id, so repeating it is safe):
 * the engine holds the cash through the refund window and settles it as an order at a day close,
 * or at once when the window is 0. Then the row follows the engine's view.
 */
export async function submitPaidOrder(services: Services, row: OrderRow, by: Actor): Promise<OrderRow> {
  const tenant = by.tenant;
  const amount = formatMoney(BigInt(row.amount_fen));
  await services.gateway.submit(
    tenant,
    `order-paid|${row.order_id}`,
    {
      type: "orderPaid",
      order: Number(row.order_id),
      member: row.member_id,
      amount,
      merchant: row.merchant_id,
      ...(row.split === null ? {} : { split: row.split as never }),
    },
    noteBy(by, { action: "order.paid", target: `order ${row.order_id}`, detail: { amount } }),
  );
  return (await project(services, tenant, Number(row.order_id))) ?? row;
}

/** Copies the engine's view of an online order onto its row (status, days, position, points). */
async function project(services: Services, tenant: string, id: number): Promise<OrderRow | undefined> {
  const online = await services.gateway.read(tenant, (engine) => engine.onlineOrder(id));
  if (online === undefined) return undefined;
  return projectOnlineOrder(services.sql, tenant, {
    id,
    status: online.status,
    paidDay: online.paidDay,
    settleDay: online.settleDay,
    position: online.position,
    points: online.points === null ? null : formatPoints(online.points),
  });
}

/** Who hands paid orders to the engine when no user asked: the start-up repair below. */
const SERVICE_ACTOR = { username: "zengzhi", role: "service" };

/** Brings the rows of orders a day close settled up to date; the number of them. */
export async function projectSettled(services: Services, tenant: string, outcome: Outcome): Promise<number> {
  const settled = Array.isArray(outcome.settled) ? (outcome.settled as { order: number }[]) : [];
  for (const { order } of settled) await project(services, tenant, order);
  return settled.length;
}

/**
 * Repairs what a crash between a payment and its ledger submit left behind: every paid order the
 * engine has not seen is handed to it, and every row that lags the engine follows it (at start-up).
 */
export async function syncOnlineOrders(services: Services, tenant: string): Promise<void> {
  for (let after = "0"; ;) {
    const rows = await selectPaidOrders(services.sql, tenant, after, LIMITS.settleBatchMax);
    if (rows.length === 0) return;
    for (const row of rows) await submitPaidOrder(services, row, { tenant, ...SERVICE_ACTOR });
    after = rows[rows.length - 1]!.order_id;
  }
}

/** Applies a verified payment callback: replay check and state change in one transaction. */
export async function applyPayment(
  services: Services,
  callback: PaymentCallback,
  by: { username: string; role: string },
): Promise<OrderRow> {
  const tenant = callback.tenant;
  if (!(await services.tenantExists(tenant))) throw new ApiError(400, "invalid_callback", "unknown tenant");
  const paid = await markPaid(
    services.sql,
    { tenant, nonce: callback.nonce, paymentId: callback.paymentId, orderId: callback.orderId },
    (order): order is OrderRow =>
      order !== undefined &&
      order.payment_id === callback.paymentId &&
      formatMoney(BigInt(order.amount_fen)) === callback.amount,
  );
  if (paid === "replayed")
    throw new ApiError(400, "replayed_callback", "this callback was already received; nothing was changed");
  if (paid === "mismatch")
    throw new ApiError(400, "invalid_callback", "the callback does not match the order's payment or amount");
  return paid.status === "paid" ? submitPaidOrder(services, paid, { tenant, ...by }) : paid;
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
    session,
  );
  return orderView(paid);
}

/** The sandbox provider's signed callback, verified over the raw body received. */
export async function receivePaymentCallback(
  services: Services,
  raw: { body: string; signature: string | undefined },
) {
  const callback = services.payments.verify(raw.body, raw.signature, services.now());
  const order = await applyPayment(services, callback, { username: "sandbox", role: "provider" });
  return { ok: true, order: orderView(order) };
}

/** An order paid through WeChat Pay or Alipay gets its money back through the same provider, once. */
async function refundPaidAttempt(services: Services, session: Session, order: OrderRow): Promise<void> {
  const attempt = await selectPaidAttempt(services.sql, session.tenant, order.order_id);
  if (attempt !== undefined) await refundThroughProvider(services, session, attempt);
}

/**
 * Refunds a paid order inside its refund window (no pool effect; the engine decides whether the
 * window has passed), or cancels an unpaid one.
 */
export async function refundOrder(services: Services, session: Session, id: number) {
  const tenant = session.tenant;
  const order = await findReadableOrder(services, session, id);
  if (order.status === "cancelled") return orderView(order);
  if (order.status === "refunded") {
    // Repeating the refund finishes the provider's part if it did not go through the first time.
    await refundPaidAttempt(services, session, order);
    return orderView(order);
  }
  let done =
    order.status === "created" ? await cancelUnpaid(services.sql, tenant, order.order_id) : undefined;
  if (done === undefined) {
    // Paid (or paid meanwhile): make sure the engine holds it, then ask the engine to refund it.
    await submitPaidOrder(services, await findOrder(services, tenant, id), session);
    try {
      await services.gateway.submit(
        tenant,
        `order-refund|${order.order_id}`,
        { type: "orderRefund", order: id },
        noteBy(session, { action: "order.refund", target: `order ${order.order_id}` }),
      );
    } catch (error) {
      if (error instanceof ApiError && error.code === "refund_window_passed") {
        throw conflict("the refund window of this order has passed; its points were issued");
      }
      throw error;
    }
    done = await project(services, tenant, id);
    if (done?.status === "refunded") await refundPaidAttempt(services, session, done);
  } else {
    await services.audit.recordBy(session, { action: "order.cancel", target: `order ${order.order_id}` });
  }
  return orderView(done ?? (await findOrder(services, tenant, id)));
}
