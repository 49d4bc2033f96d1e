/** SQL on app_staff_invites and the staff rows of app_users: invites, the staff list, revoking. */
import type { Sql } from "@zengzhi/store";

export interface InviteRow {
  role: string;
  merchant_id: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function insertInvite(
  sql: Sql,
  invite: {
    tenant: string;
    codeHash: string;
    role: string;
    merchantId: string | null;
    createdBy: string;
    now: number;
    expiresAt: number;
  },
): Promise<void> {
  await sql.query(
    `INSERT INTO app_staff_invites (tenant_id, code_hash, role, merchant_id, created_by, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      invite.tenant,
      invite.codeHash,
      invite.role,
      invite.merchantId,
      invite.createdBy,
      iso(invite.now),
      iso(invite.expiresAt),
    ],
  );
}

/** Marks an open invite used by a user and returns it; undefined when unknown, used or expired. */
export async function useInvite(
  sql: Sql,
  input: { tenant: string; codeHash: string; userId: string; now: number },
): Promise<InviteRow | undefined> {
  const { rows } = await sql.query<InviteRow>(
    `UPDATE app_staff_invites SET used_by = $3
      WHERE tenant_id = $1 AND code_hash = $2 AND used_by IS NULL AND expires_at > $4
      RETURNING role, merchant_id`,
    [input.tenant, input.codeHash, input.userId, iso(input.now)],
  );
  return rows[0];
}

export interface StaffRow {
  user_id: string;
  username: string;
  role: string;
  merchant_id: string | null;
  created_at: string | Date;
}

/** Live staff logins of the given roles (and of one merchant, when named), oldest first. */
export async function selectStaff(
  sql: Sql,
  input: { tenant: string; roles: readonly string[]; merchantId: string | null; limit: number },
): Promise<StaffRow[]> {
  const { rows } = await sql.query<StaffRow>(
    `SELECT user_id, username, role, merchant_id, created_at FROM app_users
      WHERE tenant_id = $1 AND role = ANY($2::text[]) AND revoked_at IS NULL
        AND ($3::text IS NULL OR merchant_id = $3)
      ORDER BY created_at, username LIMIT $4`,
    [input.tenant, input.roles, input.merchantId, input.limit],
  );
  return rows;
}

/** Closes a staff login of the given roles (and merchant) and deletes its sessions; their token hashes, or undefined. */
export async function revokeStaffUser(
  sql: Sql,
  input: { tenant: string; userId: string; roles: readonly string[]; merchantId: string | null; now: number },
): Promise<string[] | undefined> {
  return sql.transaction(async (tx) => {
    const { rows } = await tx.query(
      `UPDATE app_users SET revoked_at = $5
        WHERE tenant_id = $1 AND user_id = $2 AND role = ANY($3::text[]) AND revoked_at IS NULL
          AND ($4::text IS NULL OR merchant_id = $4)
        RETURNING user_id`,
      [input.tenant, input.userId, input.roles, input.merchantId, iso(input.now)],
    );
    if (rows.length === 0) return undefined;
    const sessions = await tx.query<{ token_hash: string }>(
      "DELETE FROM app_sessions WHERE tenant_id = $1 AND user_id = $2 RETURNING token_hash",
      [input.tenant, input.userId],
    );
    return sessions.rows.map((row) => row.token_hash);
  });
}
