/** SQL on app_prepaid_top_ups: merchants' top-ups of their prepaid balance through a provider. */
import type { Sql } from "@zengzhi/store";

export interface TopUpRow {
  reference: string;
  merchant_id: string;
  provider: "wechat" | "alipay";
  method: string;
  amount_fen: string;
  provider_reference: string | null;
  credited_at: Date | null;
  created_at: Date;
}

const COLUMNS =
  "reference, merchant_id, provider, method, amount_fen::text AS amount_fen, provider_reference, credited_at, created_at";

export async function insertTopUp(
  sql: Sql,
  tenant: string,
  row: Pick<TopUpRow, "reference" | "merchant_id" | "provider" | "method" | "amount_fen">,
): Promise<void> {
  await sql.query(
    `INSERT INTO app_prepaid_top_ups (tenant_id, reference, merchant_id, provider, method, amount_fen)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [tenant, row.reference, row.merchant_id, row.provider, row.method, row.amount_fen],
  );
}

export async function selectTopUp(
  sql: Sql,
  tenant: string,
  reference: string,
): Promise<TopUpRow | undefined> {
  const { rows } = await sql.query<TopUpRow>(
    `SELECT ${COLUMNS} FROM app_prepaid_top_ups WHERE tenant_id = $1 AND reference = $2`,
    [tenant, reference],
  );
  return rows[0];
}

/**
 * Records that a top-up was paid (the first verified notification or query wins; true for that
 * one). The credit itself is the ledger command keyed by the reference, submitted on every verified
 * notification, so a crash between the two is healed by the provider's next re-send or a query.
 */
export async function markTopUpPaid(
  sql: Sql,
  tenant: string,
  paid: { reference: string; providerReference: string; at: Date },
): Promise<boolean> {
  const { rows } = await sql.query(
    `UPDATE app_prepaid_top_ups SET provider_reference = $3, credited_at = $4
      WHERE tenant_id = $1 AND reference = $2 AND credited_at IS NULL RETURNING reference`,
    [tenant, paid.reference, paid.providerReference, paid.at],
  );
  return rows.length === 1;
}

/** A merchant's latest top-ups, newest first. */
export async function selectTopUps(
  sql: Sql,
  tenant: string,
  scope: { merchant: string; limit: number },
): Promise<TopUpRow[]> {
  const { rows } = await sql.query<TopUpRow>(
    `SELECT ${COLUMNS} FROM app_prepaid_top_ups WHERE tenant_id = $1 AND merchant_id = $2
      ORDER BY created_at DESC, reference DESC LIMIT $3`,
    [tenant, scope.merchant, scope.limit],
  );
  return rows;
}
