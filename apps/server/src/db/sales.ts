/**
 * SQL of a merchant's till sales: their audit entries (action 'sale', committed with the engine's
 * order) by the partial index app_audit_sales, with the journal's outcome (points) and the product's
 * name when the sale named one.
 */
import type { Sql } from "@zengzhi/store";

export interface SaleRow {
  seq: string;
  at: string | Date;
  member: string | null;
  amount: string | null;
  product_id: string | null;
  product_name: string | null;
  points: string | null;
  cashier: string;
}

/** A merchant's till sales before audit number `before` (newest first), at most `limit`. */
export async function selectSales(
  sql: Sql,
  query: { tenant: string; merchant: string; before: string | null; limit: number },
): Promise<SaleRow[]> {
  const { rows } = await sql.query<SaleRow>(
    `SELECT a.seq::text AS seq, a.at, a.target AS member, a.detail ->> 'amount' AS amount,
            a.detail ->> 'productId' AS product_id, p.name AS product_name,
            j.result::jsonb -> 'outcome' ->> 'points' AS points, a.actor AS cashier
       FROM app_audit a
       LEFT JOIN journal j ON j.tenant_id = a.tenant_id AND j.seq = a.journal_seq
       LEFT JOIN app_products p ON p.tenant_id = a.tenant_id AND p.product_id = a.detail ->> 'productId'
      WHERE a.tenant_id = $1 AND a.action = 'sale' AND a.detail ->> 'merchant' = $2
        AND ($3::bigint IS NULL OR a.seq < $3)
      ORDER BY a.seq DESC LIMIT $4`,
    [query.tenant, query.merchant, query.before, query.limit],
  );
  return rows;
}
