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
