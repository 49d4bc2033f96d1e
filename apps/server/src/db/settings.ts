/** SQL on app_settings: per-tenant switches (the pause switch). */
import type { Sql } from "@zengzhi/store";

export async function selectPaused(sql: Sql, tenant: string): Promise<boolean> {
  const { rows } = await sql.query<{ value: unknown }>(
    "SELECT value FROM app_settings WHERE tenant_id = $1 AND name = 'paused'",
    [tenant],
  );
  return rows[0]?.value === true;
}

export async function upsertPaused(sql: Sql, tenant: string, paused: boolean): Promise<void> {
  await sql.query(
    `INSERT INTO app_settings (tenant_id, name, value) VALUES ($1, 'paused', $2::jsonb)
     ON CONFLICT (tenant_id, name) DO UPDATE SET value = EXCLUDED.value`,
    [tenant, JSON.stringify(paused)],
  );
}

/** Answers when the database answers (the health check). */
export async function ping(sql: Sql): Promise<void> {
  await sql.query("SELECT 1");
}
