/** SQL on app_provider_refunds: each refund sent through a provider, and what the provider said. */
import type { Sql } from "@zengzhi/store";

export type ProviderRefundState = "pending" | "succeeded" | "failed";

export interface ProviderRefundRow {
  refund_reference: string;
  reference: string;
  order_id: string;
  provider: "wechat" | "alipay";
  amount_fen: string;
  state: ProviderRefundState;
  provider_reference: string | null;
}

const COLUMNS = "refund_reference, reference, order_id, provider, amount_fen, state, provider_reference";

/** Records a refund about to be sent; a second call with the same reference keeps the first row. */
export async function insertProviderRefund(
  sql: Sql,
  tenant: string,
  row: Omit<ProviderRefundRow, "state" | "provider_reference">,
): Promise<ProviderRefundRow> {
  await sql.query(
    `INSERT INTO app_provider_refunds (tenant_id, refund_reference, reference, order_id, provider, amount_fen)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
    [tenant, row.refund_reference, row.reference, row.order_id, row.provider, row.amount_fen],
  );
  return (await selectProviderRefund(sql, tenant, row.refund_reference))!;
}

export async function selectProviderRefund(
  sql: Sql,
  tenant: string,
  refundReference: string,
): Promise<ProviderRefundRow | undefined> {
  const { rows } = await sql.query<ProviderRefundRow>(
    `SELECT ${COLUMNS} FROM app_provider_refunds WHERE tenant_id = $1 AND refund_reference = $2`,
    [tenant, refundReference],
  );
  return rows[0];
}

/** The latest refund of an order, if one was sent through a provider. */
export async function selectOrderRefund(
  sql: Sql,
  tenant: string,
  orderId: string,
): Promise<ProviderRefundRow | undefined> {
  const { rows } = await sql.query<ProviderRefundRow>(
    `SELECT ${COLUMNS} FROM app_provider_refunds WHERE tenant_id = $1 AND order_id = $2
      ORDER BY created_at DESC LIMIT 1`,
    [tenant, orderId],
  );
  return rows[0];
}

/** Pending refunds older than `ageSeconds`, oldest first, at most `limit`. */
export async function selectPendingRefunds(
  sql: Sql,
  tenant: string,
  window: { ageSeconds: number; limit: number },
): Promise<ProviderRefundRow[]> {
  const { rows } = await sql.query<ProviderRefundRow>(
    `SELECT ${COLUMNS} FROM app_provider_refunds
      WHERE tenant_id = $1 AND state = 'pending' AND created_at <= now() - make_interval(secs => $2)
      ORDER BY created_at LIMIT $3`,
    [tenant, window.ageSeconds, window.limit],
  );
  return rows;
}

/** Moves a pending refund to its final state once (a later answer for a finished refund changes nothing). */
export async function finishProviderRefund(
  sql: Sql,
  tenant: string,
  refund: { refundReference: string; state: "succeeded" | "failed"; providerReference: string },
): Promise<boolean> {
  const { rows } = await sql.query(
    `UPDATE app_provider_refunds SET state = $3, provider_reference = $4, updated_at = now()
      WHERE tenant_id = $1 AND refund_reference = $2 AND state = 'pending' RETURNING refund_reference`,
    [tenant, refund.refundReference, refund.state, refund.providerReference],
  );
  return rows.length === 1;
}
