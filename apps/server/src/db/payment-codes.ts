/** SQL on app_payment_codes: a member's one-use codes for till sales. */
import type { Sql } from "@zengzhi/store";

export async function insertPaymentCode(
  sql: Sql,
  row: { tenant: string; code: string; member: string; expiresAt: Date },
): Promise<boolean> {
  const { rows } = await sql.query<{ code: string }>(
    `INSERT INTO app_payment_codes (tenant_id, code, member_id, expires_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, code) DO NOTHING RETURNING code`,
    [row.tenant, row.code, row.member, row.expiresAt.toISOString()],
  );
  return rows.length === 1;
}

/**
 * Claims an unexpired code for one sale (its ledger key) and returns the member it names; a code the
 * same sale claimed before is found again (a retry). Undefined: unknown, expired or claimed by another.
 */
export async function claimPaymentCode(
  sql: Sql,
  claim: { tenant: string; code: string; key: string; now: Date },
): Promise<string | undefined> {
  const { rows } = await sql.query<{ member_id: string }>(
    `UPDATE app_payment_codes SET claimed_by = $3
      WHERE tenant_id = $1 AND code = $2 AND expires_at > $4 AND (claimed_by IS NULL OR claimed_by = $3)
      RETURNING member_id`,
    [claim.tenant, claim.code, claim.key, claim.now.toISOString()],
  );
  return rows[0]?.member_id;
}

/** Gives a code back when the sale that claimed it was refused (nothing was written for it). */
export async function releasePaymentCode(sql: Sql, claim: { tenant: string; code: string; key: string }) {
  await sql.query(
    `UPDATE app_payment_codes SET claimed_by = NULL WHERE tenant_id = $1 AND code = $2 AND claimed_by = $3`,
    [claim.tenant, claim.code, claim.key],
  );
}
