/** SQL on app_provider_payments: each attempt to pay an order through a provider. */
import type { Sql } from "@zengzhi/store";

export interface ProviderPaymentRow {
  reference: string;
  order_id: string;
  provider: "wechat" | "alipay";
  method: string;
  amount_fen: string;
  provider_reference: string | null;
}

const COLUMNS = "reference, order_id, provider, method, amount_fen, provider_reference";

export async function insertProviderPayment(
  sql: Sql,
  tenant: string,
  row: Omit<ProviderPaymentRow, "provider_reference">,
): Promise<void> {
  await sql.query(
    `INSERT INTO app_provider_payments (tenant_id, reference, order_id, provider, method, amount_fen)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [tenant, row.reference, row.order_id, row.provider, row.method, row.amount_fen],
  );
}

export async function selectProviderPayment(
  sql: Sql,
  tenant: string,
  reference: string,
): Promise<ProviderPaymentRow | undefined> {
  const { rows } = await sql.query<ProviderPaymentRow>(
    `SELECT ${COLUMNS} FROM app_provider_payments WHERE tenant_id = $1 AND reference = $2`,
    [tenant, reference],
  );
  return rows[0];
}

/** The attempt that paid the order, if one did. */
export async function selectPaidAttempt(
  sql: Sql,
  tenant: string,
  orderId: string,
): Promise<ProviderPaymentRow | undefined> {
  const { rows } = await sql.query<ProviderPaymentRow>(
    `SELECT ${COLUMNS} FROM app_provider_payments
     WHERE tenant_id = $1 AND order_id = $2 AND provider_reference IS NOT NULL LIMIT 1`,
    [tenant, orderId],
  );
  return rows[0];
}

export async function setProviderReference(
  sql: Sql,
  tenant: string,
  reference: string,
  providerReference: string,
): Promise<void> {
  await sql.query(
    "UPDATE app_provider_payments SET provider_reference = $3 WHERE tenant_id = $1 AND reference = $2",
    [tenant, reference, providerReference],
  );
}

/** The latest attempts of an order (newest first), at most `limit`. */
export async function selectOrderAttempts(
  sql: Sql,
  tenant: string,
  orderId: string,
  limit: number,
): Promise<ProviderPaymentRow[]> {
  const { rows } = await sql.query<ProviderPaymentRow>(
    `SELECT ${COLUMNS} FROM app_provider_payments WHERE tenant_id = $1 AND order_id = $2
      ORDER BY created_at DESC LIMIT $3`,
    [tenant, orderId, limit],
  );
  return rows;
}

/**
 * Attempts no notification has settled yet, of orders still waiting for payment, created between
 * `ageSeconds` and a day ago: the background sweep asks the provider about them.
 */
export async function selectWaitingAttempts(
  sql: Sql,
  tenant: string,
  window: { ageSeconds: number; limit: number },
): Promise<ProviderPaymentRow[]> {
  const { rows } = await sql.query<ProviderPaymentRow>(
    `SELECT p.reference, p.order_id, p.provider, p.method, p.amount_fen, p.provider_reference
       FROM app_provider_payments p
       JOIN app_orders o ON o.tenant_id = p.tenant_id AND o.order_id = p.order_id
      WHERE p.tenant_id = $1 AND p.provider_reference IS NULL AND o.status = 'created'
        AND p.created_at <= now() - make_interval(secs => $2) AND p.created_at > now() - interval '1 day'
      ORDER BY p.created_at LIMIT $3`,
    [tenant, window.ageSeconds, window.limit],
  );
  return rows;
}
