/** SQL on app_payment_settings: each tenant's sealed provider credentials. */
import type { Sql } from "@zengzhi/store";

export interface PaymentSettingsRow {
  provider: "wechat" | "alipay";
  account_hint: string;
  /** Field name → sealed value (see domain/secrets.ts). */
  sealed: Record<string, string>;
  updated_at: Date;
}

export async function selectPaymentSettings(sql: Sql, tenant: string): Promise<PaymentSettingsRow[]> {
  const { rows } = await sql.query<PaymentSettingsRow>(
    `SELECT provider, account_hint, sealed, updated_at FROM app_payment_settings
     WHERE tenant_id = $1 ORDER BY provider`,
    [tenant],
  );
  return rows;
}

export async function upsertPaymentSettings(
  sql: Sql,
  tenant: string,
  row: Omit<PaymentSettingsRow, "updated_at">,
): Promise<Date> {
  const { rows } = await sql.query<{ updated_at: Date }>(
    `INSERT INTO app_payment_settings (tenant_id, provider, account_hint, sealed, updated_at)
     VALUES ($1, $2, $3, $4::jsonb, now())
     ON CONFLICT (tenant_id, provider) DO UPDATE
       SET account_hint = EXCLUDED.account_hint, sealed = EXCLUDED.sealed, updated_at = EXCLUDED.updated_at
     RETURNING updated_at`,
    [tenant, row.provider, row.account_hint, JSON.stringify(row.sealed)],
  );
  const updatedAt = rows[0]?.updated_at;
  if (updatedAt === undefined) throw new Error("upsert returned no row");
  return updatedAt;
}

/** Replaces the sealed fields only (a re-seal under a new key changes nothing else). */
export async function updateSealed(
  sql: Sql,
  tenant: string,
  provider: string,
  sealed: Record<string, string>,
): Promise<void> {
  await sql.query(
    "UPDATE app_payment_settings SET sealed = $3::jsonb WHERE tenant_id = $1 AND provider = $2",
    [tenant, provider, JSON.stringify(sealed)],
  );
}
