/** SQL on app_merchants: the merchants of a tenant (id and name; balances live in the engine). */
import type { Sql } from "@zengzhi/store";

export interface MerchantRow {
  merchant_id: string;
  name: string;
}

export async function selectMerchant(sql: Sql, tenant: string, id: string): Promise<MerchantRow | undefined> {
  const { rows } = await sql.query<MerchantRow>(
    "SELECT merchant_id, name FROM app_merchants WHERE tenant_id = $1 AND merchant_id = $2",
    [tenant, id],
  );
  return rows[0];
}

export async function selectMerchants(sql: Sql, tenant: string, after: string, limit: number) {
  const { rows } = await sql.query<MerchantRow>(
    "SELECT merchant_id, name FROM app_merchants WHERE tenant_id = $1 AND merchant_id > $2 ORDER BY merchant_id LIMIT $3",
    [tenant, after, limit],
  );
  return rows;
}

/** Inserts a merchant; false when the id is taken. */
export async function insertMerchant(sql: Sql, merchant: { tenant: string; id: string; name: string }) {
  const { rows } = await sql.query(
    "INSERT INTO app_merchants (tenant_id, merchant_id, name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING merchant_id",
    [merchant.tenant, merchant.id, merchant.name],
  );
  return rows.length > 0;
}
