/**
 * Orders and payments. An online order is created, paid through the payment provider (the sandbox
 * signs its callback; forged or replayed callbacks change nothing), and only after the refund window
 * submitted to the engine as an `order`. In-store sales (paid at the till) go straight to the engine.
 */
import { randomUUID } from "node:crypto";
import { formatMoney, formatPoints } from "@zengzhi/engine";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Session } from "../auth.js";
import { ApiError, conflict, forbidden, notFound } from "../errors.js";
import { decodeCursor, idField, moneyField, pageQuery, toPage } from "../fields.js";
import { intParam, route } from "../http.js";
import { LIMITS } from "../limits.js";
import type { PaymentCallback } from "../payments.js";
import { idempotencyHeader, ledgerKey, once, type Services } from "../services.js";
import { findProduct } from "./merchants.js";

interface OrderRow {
  order_id: string;
  member_id: string;
  merchant_id: string;
  product_id: string;
  quantity: number;
  amount_fen: string;
  split: Record<string, string> | null;
  status: "created" | "paid" | "settled" | "refunded" | "cancelled";
  payment_id: string;
  paid_day: number | null;
  settle_day: number | null;
  position_id: number | null;
  points: string | null;
  created_at: string | Date;
}

const ORDER_COLUMNS = `order_id::text AS order_id, member_id, merchant_id, product_id, quantity, amount_fen::text AS amount_fen,
  split, status, payment_id, paid_day, settle_day, position_id, points, created_at`;

const orderView = (row: OrderRow) => ({
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

async function findOrder(services: Services, tenant: string, id: number): Promise<OrderRow> {
  const { rows } = await services.sql.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM app_orders WHERE tenant_id = $1 AND order_id = $2`,
    [tenant, id],
  );
  if (rows[0] === undefined) throw notFound(`order ${id}`);
  return rows[0];
}

/** Members see their own orders, merchants their own merchant's, operators all; others get 404. */
function mayRead(session: Session, order: OrderRow): boolean {
  if (session.role === "operator") return true;
  if (session.role === "merchant") return session.merchantId === order.merchant_id;
  return session.memberId === order.member_id;
}

/**
 * Submits a paid order whose refund window has passed to the engine, once: the row is claimed first
 * (paid → settled), then the command goes to the ledger under a key derived from the order id, so a
 * crash between the two is repaired by submitting again (see settleDueOrders).
 */
export async function settleOrder(
  services: Services,
  tenant: string,
  orderId: number,
): Promise<OrderRow | null> {
  const claimed = await services.sql.query<OrderRow>(
    `UPDATE app_orders SET status = 'settled' WHERE tenant_id = $1 AND order_id = $2 AND status = 'paid' RETURNING ${ORDER_COLUMNS}`,
    [tenant, orderId],
  );
  const row = claimed.rows[0];
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
  let outcome: Record<string, unknown>;
  try {
    outcome = await services.submit(tenant, `order-settle|${row.order_id}`, command);
  } catch (error) {
    // The engine refused (e.g. the scheme has listed): the order stays paid and can be refunded.
    await services.sql.query("UPDATE app_orders SET status = 'paid' WHERE tenant_id = $1 AND order_id = $2", [
      tenant,
      row.order_id,
    ]);
    throw error;
  }
  const position = typeof outcome.position === "number" ? outcome.position : null;
  const points =
    typeof outcome.points === "string"
      ? outcome.points
      : position === null
        ? null
        : await services.read(tenant, (engine) => {
            const view = engine.position(position);
            return view === undefined ? null : formatPoints(view.points + 0n);
          });
  const updated = await services.sql.query<OrderRow>(
    `UPDATE app_orders SET position_id = $3, points = $4 WHERE tenant_id = $1 AND order_id = $2 RETURNING ${ORDER_COLUMNS}`,
    [tenant, row.order_id, position, points],
  );
  return updated.rows[0]!;
}

/** Settles every paid order whose window has passed, and repairs settlements a crash interrupted. */
export async function settleDueOrders(services: Services, tenant: string): Promise<number> {
  const day = await services.read(tenant, (engine) => engine.day);
  let settled = 0;
  for (;;) {
    const { rows } = await services.sql.query<{ order_id: string; status: string }>(
      `SELECT order_id::text AS order_id, status FROM app_orders
        WHERE tenant_id = $1 AND ((status = 'paid' AND settle_day <= $2) OR (status = 'settled' AND position_id IS NULL))
        ORDER BY app_orders.order_id LIMIT ${LIMITS.settleBatchMax}`,
      [tenant, day],
    );
    if (rows.length === 0) return settled;
    for (const row of rows) {
      if (row.status === "paid") {
        if ((await settleOrder(services, tenant, Number(row.order_id))) !== null) settled++;
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
  const { day, window } = await services.read(tenant, (engine) => ({
    day: engine.day,
    window: engine.rules.refundWindowDays,
  }));
  const paid = await services.sql.transaction(async (tx) => {
    const fresh = await tx.query(
      "INSERT INTO app_payment_callbacks (tenant_id, nonce, payment_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING nonce",
      [tenant, callback.nonce, callback.paymentId],
    );
    if (fresh.rows.length === 0) {
      throw new ApiError(400, "replayed_callback", "this callback was already received; nothing was changed");
    }
    const { rows } = await tx.query<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM app_orders WHERE tenant_id = $1 AND order_id = $2 FOR UPDATE`,
      [tenant, callback.orderId],
    );
    const order = rows[0];
    if (
      order === undefined ||
      order.payment_id !== callback.paymentId ||
      formatMoney(BigInt(order.amount_fen)) !== callback.amount
    ) {
      throw new ApiError(
        400,
        "invalid_callback",
        "the callback does not match the order's payment or amount",
      );
    }
    if (order.status !== "created") return order;
    const updated = await tx.query<OrderRow>(
      `UPDATE app_orders SET status = 'paid', paid_day = $3, settle_day = $4 WHERE tenant_id = $1 AND order_id = $2 RETURNING ${ORDER_COLUMNS}`,
      [tenant, callback.orderId, day, day + window],
    );
    return updated.rows[0]!;
  });
  if (paid.status === "paid" && paid.settle_day !== null && paid.settle_day <= day) {
    return (await settleOrder(services, tenant, Number(paid.order_id))) ?? paid;
  }
  return paid;
}

export function orderRoutes(app: FastifyInstance, services: Services): void {
  route(app, services, {
    method: "POST",
    url: "/api/orders",
    summary: "Create an online order for a product (then pay it)",
    tags: ["orders"],
    roles: ["member"],
    body: z.strictObject({
      productId: idField,
      quantity: z.number().int().min(1).max(LIMITS.quantityMax).optional(),
    }),
    handler: async ({ body, session, request, reply }) => {
      const tenant = session.tenant;
      await services.refuseWhenPaused(tenant);
      const product = await findProduct(services, tenant, body.productId);
      if (!product.active)
        throw new ApiError(409, "product_inactive", "this product is no longer sold", "productId");
      const quantity = body.quantity ?? 1;
      const amount = BigInt(product.price_fen) * BigInt(quantity);
      if (amount > LIMITS.amountFenMax)
        throw new ApiError(400, "out_of_range", "the order amount is above the limit", "quantity");
      const answer = await once(services, request, { tenant, session, scope: "orders" }, async () => {
        const { rows } = await services.sql.query<OrderRow>(
          `INSERT INTO app_orders (tenant_id, order_id, member_id, merchant_id, product_id, quantity, amount_fen, split, status, payment_id)
           VALUES ($1, nextval('app_order_seq'), $2, $3, $4, $5, $6, $7::jsonb, 'created', $8) RETURNING ${ORDER_COLUMNS}`,
          [
            tenant,
            session.memberId,
            product.merchant_id,
            product.product_id,
            quantity,
            amount.toString(),
            JSON.stringify(product.split),
            `pay-${randomUUID()}`,
          ],
        );
        const order = orderView(rows[0]!);
        services.audit.record({
          tenant,
          actor: session.username,
          role: session.role,
          action: "order.create",
          target: `order ${order.id}`,
        });
        return { status: 201, body: order };
      });
      return reply.code(answer.status).send(answer.body);
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/orders/:id/pay",
    summary: "Pay an own order with the sandbox provider (it delivers its signed callback)",
    tags: ["orders"],
    roles: ["member"],
    handler: async ({ session, request, params }) => {
      idempotencyHeader(request);
      const tenant = session.tenant;
      const order = await findOrder(services, tenant, intParam(params.id, "order"));
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
      services.audit.record({
        tenant,
        actor: session.username,
        role: session.role,
        action: "order.pay",
        target: `order ${order.order_id}`,
      });
      return orderView(paid);
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/payments/sandbox/callback",
    summary:
      "The sandbox provider's signed payment callback (X-Sandbox-Signature: hex HMAC-SHA256 of the raw body)",
    tags: ["orders"],
    roles: "public",
    handler: async ({ request }) => {
      const signature = request.headers["x-sandbox-signature"];
      const callback = services.payments.verify(
        request.rawBody ?? "",
        typeof signature === "string" ? signature : undefined,
        services.now(),
      );
      const order = await applyPayment(services, callback);
      services.audit.record({
        tenant: callback.tenant,
        actor: "sandbox",
        role: "provider",
        action: "payment.callback",
        target: `order ${callback.orderId}`,
      });
      return { ok: true, order: orderView(order) };
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/orders/:id/refund",
    summary: "Refund a paid order inside its refund window (no pool effect), or cancel an unpaid one",
    tags: ["orders"],
    roles: ["member", "merchant", "operator"],
    handler: async ({ session, request, params }) => {
      idempotencyHeader(request);
      const tenant = session.tenant;
      const order = await findOrder(services, tenant, intParam(params.id, "order"));
      if (!mayRead(session, order)) throw notFound(`order ${order.order_id}`);
      if (order.status === "refunded" || order.status === "cancelled") return orderView(order);
      const day = await services.read(tenant, (engine) => engine.day);
      const { rows } = await services.sql.query<OrderRow>(
        `UPDATE app_orders SET status = CASE WHEN status = 'created' THEN 'cancelled' ELSE 'refunded' END
          WHERE tenant_id = $1 AND order_id = $2 AND (status = 'created' OR (status = 'paid' AND settle_day > $3))
          RETURNING ${ORDER_COLUMNS}`,
        [tenant, order.order_id, day],
      );
      if (rows[0] === undefined)
        throw conflict("the refund window of this order has passed; its points were issued");
      services.audit.record({
        tenant,
        actor: session.username,
        role: session.role,
        action: "order.refund",
        target: `order ${order.order_id}`,
      });
      return orderView(rows[0]);
    },
  });

  route(app, services, {
    method: "GET",
    url: "/api/orders",
    summary: "List orders: a member's own, a merchant's own, or all for an operator (newest first)",
    tags: ["orders"],
    roles: ["member", "merchant", "operator"],
    query: pageQuery.extend({
      status: z.enum(["created", "paid", "settled", "refunded", "cancelled"]).optional(),
    }),
    handler: async ({ session, query }) => {
      const cursor = decodeCursor(query.cursor);
      const { rows } = await services.sql.query<OrderRow>(
        `SELECT ${ORDER_COLUMNS} FROM app_orders
          WHERE tenant_id = $1 AND ($2::text IS NULL OR member_id = $2) AND ($3::text IS NULL OR merchant_id = $3)
            AND ($4::text IS NULL OR status = $4) AND ($5::bigint IS NULL OR order_id < $5)
          ORDER BY app_orders.order_id DESC LIMIT $6`,
        [
          session.tenant,
          session.role === "member" ? session.memberId : null,
          session.role === "merchant" ? session.merchantId : null,
          query.status ?? null,
          cursor === undefined || !/^\d+$/.test(cursor) ? null : cursor,
          query.limit + 1,
        ],
      );
      return toPage(rows, query.limit, (r) => r.order_id, orderView);
    },
  });

  route(app, services, {
    method: "GET",
    url: "/api/orders/:id",
    summary: "One order (own only, or any for an operator)",
    tags: ["orders"],
    roles: ["member", "merchant", "operator"],
    handler: async ({ session, params }) => {
      const order = await findOrder(services, session.tenant, intParam(params.id, "order"));
      if (!mayRead(session, order)) throw notFound(`order ${order.order_id}`);
      return orderView(order);
    },
  });

  route(app, services, {
    method: "POST",
    url: "/api/sales",
    summary: "Record an in-store sale paid at the till: straight to the engine as an order for this merchant",
    tags: ["orders"],
    roles: ["merchant"],
    body: z.strictObject({ member: idField, amount: moneyField, productId: idField.optional() }),
    handler: async ({ body, session, request, reply }) => {
      const tenant = session.tenant;
      const key = ledgerKey(request, session, "sales");
      await services.refuseWhenPaused(tenant);
      let split: Record<string, string> | null = null;
      if (body.productId !== undefined) {
        const product = await findProduct(services, tenant, body.productId);
        if (product.merchant_id !== session.merchantId)
          throw forbidden("this product belongs to another merchant");
        split = product.split;
      }
      if (!(await services.memberExists(tenant, body.member)))
        throw new ApiError(404, "unknown_member", `member ${body.member} does not exist`, "member");
      const outcome = await services.submit(tenant, key, {
        type: "order",
        member: body.member,
        amount: formatMoney(body.amount),
        merchant: session.merchantId!,
        ...(split === null ? {} : { split: split as never }),
      });
      services.audit.recordSale(
        { tenant, actor: session.username, role: session.role, target: session.merchantId },
        body.amount,
      );
      return reply.code(201).send({
        ok: true,
        position: outcome.position ?? null,
        points: outcome.points ?? null,
        exits: outcome.exits ?? [],
      });
    },
  });
}
