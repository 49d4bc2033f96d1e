/** SQL on app_users and app_sessions: login accounts (scrypt hashes) and sessions (token hashes). */
import type { Sql } from "@zengzhi/store";

export interface UserRow {
  tenant_id: string;
  user_id: string;
  username: string;
  role: "operator" | "merchant" | "member";
  member_id: string | null;
  merchant_id: string | null;
}

/** Inserts a user; false when the username is taken in the tenant. */
export async function insertUser(sql: Sql, user: UserRow & { password_hash: string }): Promise<boolean> {
  const { rows } = await sql.query(
    `INSERT INTO app_users (tenant_id, user_id, username, password_hash, role, member_id, merchant_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, username) DO NOTHING RETURNING user_id`,
    [
      user.tenant_id,
      user.user_id,
      user.username,
      user.password_hash,
      user.role,
      user.member_id,
      user.merchant_id,
    ],
  );
  return rows.length > 0;
}

export async function usernameExists(sql: Sql, tenant: string, username: string): Promise<boolean> {
  const { rows } = await sql.query("SELECT 1 FROM app_users WHERE tenant_id = $1 AND username = $2", [
    tenant,
    username,
  ]);
  return rows.length > 0;
}

export async function selectUserByName(sql: Sql, tenant: string, username: string) {
  const { rows } = await sql.query<UserRow & { password_hash: string }>(
    "SELECT tenant_id, user_id, username, role, member_id, merchant_id, password_hash FROM app_users WHERE tenant_id = $1 AND username = $2",
    [tenant, username],
  );
  return rows[0];
}

export async function selectPasswordHash(
  sql: Sql,
  tenant: string,
  userId: string,
): Promise<string | undefined> {
  const { rows } = await sql.query<{ password_hash: string }>(
    "SELECT password_hash FROM app_users WHERE tenant_id = $1 AND user_id = $2",
    [tenant, userId],
  );
  return rows[0]?.password_hash;
}

export async function insertSession(
  sql: Sql,
  session: { tenant: string; tokenHash: string; userId: string; expiresAt: number },
): Promise<void> {
  await sql.query(
    "INSERT INTO app_sessions (tenant_id, token_hash, user_id, expires_at) VALUES ($1, $2, $3, $4)",
    [session.tenant, session.tokenHash, session.userId, new Date(session.expiresAt).toISOString()],
  );
}

/** The user of a live session by its token hash. */
export async function selectSessionUser(sql: Sql, tokenHash: string) {
  const { rows } = await sql.query<UserRow & { expires_at: string | Date }>(
    `SELECT u.tenant_id, u.user_id, u.username, u.role, u.member_id, u.merchant_id, s.expires_at
       FROM app_sessions s JOIN app_users u ON u.tenant_id = s.tenant_id AND u.user_id = s.user_id
      WHERE s.token_hash = $1 AND s.expires_at > now()`,
    [tokenHash],
  );
  return rows[0];
}

export async function deleteSession(sql: Sql, tenant: string, tokenHash: string): Promise<void> {
  await sql.query("DELETE FROM app_sessions WHERE tenant_id = $1 AND token_hash = $2", [tenant, tokenHash]);
}
