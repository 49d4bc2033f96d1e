/**
 * SQL on app_orders: the online orders the service keeps next to the ledger (created → paid →
 * settled, or refunded / cancelled). Only domain/orders.ts and domain/merchants.ts call these.
 */
import type { Sql } from "@zengzhi/store";

export type OrderStatus = "created" | "paid" | "settled" | "refunded" | "cancelled";

/** The statuses of an online order, in the order of its lifecycle. */
export const ORDER_STATUSES: readonly OrderStatus[] = ["created", "paid", "settled", "refunded", "cancelled"];

export interface OrderRow {
  order_id: string;
  member_id: string;
  merchant_id: string;
  product_id: string;
  quantity: number;
  amount_fen: string;
  split: Record<string, string> | null;
  status: OrderStatus;
  payment_id: string;
  paid_day: number | null;
  settle_day: number | null;
  position_id: number | null;
  points: string | null;
  created_at: string | Date;
  /** The product's name (products are never deleted, only deactivated). */
  product_name: string | null;
}

const ORDER_COLUMNS = `order_id::text AS order_id, member_id, merchant_id, product_id, quantity, amount_fen::text AS amount_fen,
  split, status, payment_id, paid_day, settle_day, position_id, points, created_at,
  (SELECT p.name FROM app_products p
    WHERE p.tenant_id = app_orders.tenant_id AND p.product_id = app_orders.product_id) AS product_name`;

export async function selectOrder(
  sql: Sql,
  tenant: string,
  id: number | string,
): Promise<OrderRow | undefined> {
  const { rows } = await sql.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM app_orders WHERE tenant_id = $1 AND order_id = $2`,
    [tenant, id],
  );
  return rows[0];
}

export async function insertOrder(
  sql: Sql,
  order: {
    tenant: string;
    member: string;
    merchant: string;
    product: string;
    quantity: number;
    amountFen: bigint;
    split: unknown;
    paymentId: string;
  },
): Promise<OrderRow> {
  const { rows } = await sql.query<OrderRow>(
    `INSERT INTO app_orders (tenant_id, order_id, member_id, merchant_id, product_id, quantity, amount_fen, split, status, payment_id)
     VALUES ($1, nextval('app_order_seq'), $2, $3, $4, $5, $6, $7::jsonb, 'created', $8) RETURNING ${ORDER_COLUMNS}`,
    [
      order.tenant,
      order.member,
      order.merchant,
      order.product,
      order.quantity,
      order.amountFen.toString(),
      JSON.stringify(order.split),
      order.paymentId,
    ],
  );
  return rows[0]!;
}

/**
 * Projects the engine's view of an online order (paid, waiting, settled or refunded) onto its row:
 * the engine decides, the row follows so orders can be listed and summed in SQL.
 */
export async function projectOnlineOrder(
  sql: Sql,
  tenant: string,
  order: {
    id: number;
    status: "paid" | "settled" | "refunded";
    paidDay: number;
    settleDay: number;
    position: number | null;
    points: string | null;
  },
): Promise<OrderRow | undefined> {
  const { rows } = await sql.query<OrderRow>(
    `UPDATE app_orders SET status = $3, paid_day = $4, settle_day = $5, position_id = $6, points = $7
      WHERE tenant_id = $1 AND order_id = $2 AND status IN ('paid', 'settled', 'refunded') RETURNING ${ORDER_COLUMNS}`,
    [tenant, order.id, order.status, order.paidDay, order.settleDay, order.position, order.points],
  );
  return rows[0];
}

/** Paid orders after `after` whose row may lag the engine (paid, or settled without a position). */
export async function selectPaidOrders(sql: Sql, tenant: string, after: string, limit: number) {
  const { rows } = await sql.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM app_orders
      WHERE tenant_id = $1 AND order_id > $2 AND (status = 'paid' OR (status = 'settled' AND position_id IS NULL))
      ORDER BY app_orders.order_id LIMIT ${limit}`,
    [tenant, after],
  );
  return rows;
}

/**
 * Records a verified payment callback in one transaction: the nonce (replays insert nothing and get
 * "replayed"), then the order locked for update, checked by `matches`, and moved to paid.
 */
export function markPaid(
  sql: Sql,
  payment: {
    tenant: string;
    nonce: string;
    paymentId: string;
    orderId: number;
  },
  matches: (order: OrderRow | undefined) => order is OrderRow,
): Promise<OrderRow | "replayed" | "mismatch"> {
  return sql.transaction(async (tx) => {
    const fresh = await tx.query(
      "INSERT INTO app_payment_callbacks (tenant_id, nonce, payment_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING nonce",
      [payment.tenant, payment.nonce, payment.paymentId],
    );
    if (fresh.rows.length === 0) return "replayed";
    const { rows } = await tx.query<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM app_orders WHERE tenant_id = $1 AND order_id = $2 FOR UPDATE`,
      [payment.tenant, payment.orderId],
    );
    const order = rows[0];
    if (!matches(order)) return "mismatch";
    if (order.status !== "created") return order;
    const updated = await tx.query<OrderRow>(
      `UPDATE app_orders SET status = 'paid' WHERE tenant_id = $1 AND order_id = $2 RETURNING ${ORDER_COLUMNS}`,
      [payment.tenant, payment.orderId],
    );
    return updated.rows[0]!;
  });
}

/** Cancels an order not paid yet; undefined when it was paid meanwhile. */
export async function cancelUnpaid(sql: Sql, tenant: string, id: string) {
  const { rows } = await sql.query<OrderRow>(
    `UPDATE app_orders SET status = 'cancelled' WHERE tenant_id = $1 AND order_id = $2 AND status = 'created'
      RETURNING ${ORDER_COLUMNS}`,
    [tenant, id],
  );
  return rows[0];
}

export async function selectOrders(
  sql: Sql,
  filter: {
    tenant: string;
    member: string | null;
    merchant: string | null;
    status: OrderStatus | null;
    before: string | null;
    limit: number;
  },
): Promise<OrderRow[]> {
  const { rows } = await sql.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM app_orders
      WHERE tenant_id = $1 AND ($2::text IS NULL OR member_id = $2) AND ($3::text IS NULL OR merchant_id = $3)
        AND ($4::text IS NULL OR status = $4) AND ($5::bigint IS NULL OR order_id < $5)
      ORDER BY app_orders.order_id DESC LIMIT $6`,
    [filter.tenant, filter.member, filter.merchant, filter.status, filter.before, filter.limit],
  );
  return rows;
}

/** Count and total of a merchant's online orders in each status. */
export async function sumOrdersByStatus(sql: Sql, tenant: string, merchant: string) {
  const { rows } = await sql.query<{ status: OrderStatus; count: string; total_fen: string }>(
    `SELECT status, count(*)::text AS count, coalesce(sum(amount_fen), 0)::text AS total_fen
       FROM app_orders WHERE tenant_id = $1 AND merchant_id = $2 GROUP BY status`,
    [tenant, merchant],
  );
  return rows;
}
