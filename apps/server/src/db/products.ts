/** SQL on app_products: a merchant's products, each with its price and optional split. */
import type { Sql } from "@zengzhi/store";

export interface ProductRow {
  product_id: string;
  merchant_id: string;
  name: string;
  price_fen: string;
  split: Record<string, string> | null;
  active: boolean;
}

const PRODUCT_COLUMNS = "product_id, merchant_id, name, price_fen::text AS price_fen, split, active";

export async function selectProduct(sql: Sql, tenant: string, id: string): Promise<ProductRow | undefined> {
  const { rows } = await sql.query<ProductRow>(
    `SELECT ${PRODUCT_COLUMNS} FROM app_products WHERE tenant_id = $1 AND product_id = $2`,
    [tenant, id],
  );
  return rows[0];
}

/** Products after `after` by id: active ones, and every product of `ownMerchant`. */
export async function selectProducts(
  sql: Sql,
  filter: { tenant: string; after: string; merchant: string | null; ownMerchant: string; limit: number },
): Promise<ProductRow[]> {
  const { rows } = await sql.query<ProductRow>(
    `SELECT ${PRODUCT_COLUMNS} FROM app_products
      WHERE tenant_id = $1 AND product_id > $2 AND ($3::text IS NULL OR merchant_id = $3)
        AND (active OR merchant_id = $4) ORDER BY product_id LIMIT $5`,
    [filter.tenant, filter.after, filter.merchant, filter.ownMerchant, filter.limit],
  );
  return rows;
}

export async function insertProduct(
  sql: Sql,
  product: { tenant: string; id: string; merchant: string; name: string; priceFen: bigint; split: unknown },
): Promise<ProductRow> {
  const { rows } = await sql.query<ProductRow>(
    `INSERT INTO app_products (tenant_id, product_id, merchant_id, name, price_fen, split)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING ${PRODUCT_COLUMNS}`,
    [
      product.tenant,
      product.id,
      product.merchant,
      product.name,
      product.priceFen.toString(),
      JSON.stringify(product.split),
    ],
  );
  return rows[0]!;
}

export async function updateProduct(
  sql: Sql,
  product: { tenant: string; id: string; name: string; priceFen: bigint; split: unknown; active: boolean },
): Promise<ProductRow> {
  const { rows } = await sql.query<ProductRow>(
    `UPDATE app_products SET name = $3, price_fen = $4, split = $5::jsonb, active = $6
      WHERE tenant_id = $1 AND product_id = $2 RETURNING ${PRODUCT_COLUMNS}`,
    [
      product.tenant,
      product.id,
      product.name,
      product.priceFen.toString(),
      JSON.stringify(product.split),
      product.active,
    ],
  );
  return rows[0]!;
}

export async function deactivateProduct(sql: Sql, tenant: string, id: string): Promise<void> {
  await sql.query("UPDATE app_products SET active = false WHERE tenant_id = $1 AND product_id = $2", [
    tenant,
    id,
  ]);
}
