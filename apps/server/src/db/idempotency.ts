/**
 * SQL on app_idempotency: the stored answer of each request key (status 0 while in progress, -1 once
 * expired: a tombstone that keeps only the key).
 */
import type { Sql } from "@zengzhi/store";

/** The status of a tombstone: the answer was dropped after the retention window; the key stays used. */
export const EXPIRED_STATUS = -1;

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

/**
 * Turns at most `rowsMax` answers (or claims left in progress) created before `createdBefore` into
 * tombstones; returns how many. One short statement: the caller repeats it, pausing in between, so
 * that no statement holds the database (PGlite runs one at a time) for long.
 */
export async function expireAnswers(
  sql: Sql,
  batch: { createdBefore: Date; rowsMax: number },
): Promise<number> {
  const { rows } = await sql.query(
    `UPDATE app_idempotency SET status = ${EXPIRED_STATUS}, request_hash = '', body = 'null'::jsonb
     WHERE (tenant_id, key) IN (
       SELECT tenant_id, key FROM app_idempotency WHERE status >= 0 AND created_at < $1 ORDER BY created_at LIMIT $2
     ) RETURNING 1`,
    [batch.createdBefore.toISOString(), batch.rowsMax],
  );
  return rows.length;
}
