/** SQL on app_idempotency: the stored answer of each request key (status 0 while in progress). */
import type { Sql } from "@zengzhi/store";

/** Claims a key for a request (status 0); false when the key exists already. */
export async function claimKey(sql: Sql, claim: { tenant: string; key: string; requestHash: string }) {
  const { rows } = await sql.query(
    `INSERT INTO app_idempotency (tenant_id, key, request_hash, status, body) VALUES ($1, $2, $3, 0, 'null'::jsonb)
     ON CONFLICT (tenant_id, key) DO NOTHING RETURNING key`,
    [claim.tenant, claim.key, claim.requestHash],
  );
  return rows.length > 0;
}

export async function selectAnswer(sql: Sql, tenant: string, key: string) {
  const { rows } = await sql.query<{ request_hash: string; status: number; body: unknown }>(
    "SELECT request_hash, status, body FROM app_idempotency WHERE tenant_id = $1 AND key = $2",
    [tenant, key],
  );
  return rows[0];
}

/** Drops a claim whose request failed, so it can be corrected and retried with the same key. */
export async function releaseKey(sql: Sql, tenant: string, key: string): Promise<void> {
  await sql.query("DELETE FROM app_idempotency WHERE tenant_id = $1 AND key = $2 AND status = 0", [
    tenant,
    key,
  ]);
}

export async function storeAnswer(
  sql: Sql,
  answer: { tenant: string; key: string; status: number; body: unknown },
): Promise<void> {
  await sql.query(
    "UPDATE app_idempotency SET status = $3, body = $4::jsonb WHERE tenant_id = $1 AND key = $2",
    [answer.tenant, answer.key, answer.status, JSON.stringify(answer.body ?? null)],
  );
}
