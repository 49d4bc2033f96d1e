/** SQL on app_users and app_sessions: login accounts (scrypt hashes) and sessions (token hashes). */
import type { Sql } from "@zengzhi/store";

export interface UserRow {
  tenant_id: string;
  user_id: string;
  username: string;
  /** The roles of @zengzhi/contract's ROLES (db/ may not import the contract). */
  role: "operator" | "merchant" | "member" | "admin" | "finance" | "support" | "auditor" | "cashier";
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
    "SELECT tenant_id, user_id, username, role, member_id, merchant_id, password_hash FROM app_users WHERE tenant_id = $1 AND username = $2 AND revoked_at IS NULL",
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

export async function updatePasswordHash(
  sql: Sql,
  user: { tenant: string; userId: string; passwordHash: string },
): Promise<void> {
  await sql.query("UPDATE app_users SET password_hash = $3 WHERE tenant_id = $1 AND user_id = $2", [
    user.tenant,
    user.userId,
    user.passwordHash,
  ]);
}

export interface NewSessionRow {
  tenant: string;
  tokenHash: string;
  sessionId: string;
  userId: string;
  /** Milliseconds since the epoch, from the service's clock. */
  createdAt: number;
  expiresAt: number;
  address: string;
  userAgent: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function insertSession(sql: Sql, session: NewSessionRow): Promise<void> {
  await sql.query(
    `INSERT INTO app_sessions
       (tenant_id, token_hash, session_id, user_id, created_at, last_seen_at, expires_at, address, user_agent)
     VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)`,
    [
      session.tenant,
      session.tokenHash,
      session.sessionId,
      session.userId,
      iso(session.createdAt),
      iso(session.expiresAt),
      session.address,
      session.userAgent,
    ],
  );
}

export interface SessionUserRow extends UserRow {
  session_id: string;
  expires_at: string | Date;
  last_seen_at: string | Date;
}

/** The user of a live session by its token hash: before its absolute end and active since `idleSince`. */
export async function selectSessionUser(
  sql: Sql,
  input: { tokenHash: string; now: number; idleSince: number },
): Promise<SessionUserRow | undefined> {
  const { rows } = await sql.query<SessionUserRow>(
    `SELECT u.tenant_id, u.user_id, u.username, u.role, u.member_id, u.merchant_id,
            s.session_id, s.expires_at, s.last_seen_at
       FROM app_sessions s JOIN app_users u ON u.tenant_id = s.tenant_id AND u.user_id = s.user_id
      WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.revoked_at IS NULL`,
    [input.tokenHash, iso(input.now), iso(input.idleSince)],
  );
  return rows[0];
}

export async function touchSession(sql: Sql, tenant: string, tokenHash: string, now: number): Promise<void> {
  await sql.query("UPDATE app_sessions SET last_seen_at = $3 WHERE tenant_id = $1 AND token_hash = $2", [
    tenant,
    tokenHash,
    iso(now),
  ]);
}

export interface SessionRow {
  token_hash: string;
  session_id: string;
  created_at: string | Date;
  last_seen_at: string | Date;
  expires_at: string | Date;
  address: string;
  user_agent: string;
}

/** A user's live sessions, latest activity first. */
export async function selectUserSessions(
  sql: Sql,
  input: { tenant: string; userId: string; now: number; idleSince: number; limit: number },
): Promise<SessionRow[]> {
  const { rows } = await sql.query<SessionRow>(
    `SELECT token_hash, session_id, created_at, last_seen_at, expires_at, address, user_agent
       FROM app_sessions
      WHERE tenant_id = $1 AND user_id = $2 AND expires_at > $3 AND last_seen_at > $4
      ORDER BY last_seen_at DESC, created_at DESC LIMIT $5`,
    [input.tenant, input.userId, iso(input.now), iso(input.idleSince), input.limit],
  );
  return rows;
}

/** Deletes a user's sessions that have ended (past their absolute end or idle since `idleSince`). */
export async function deleteExpiredSessions(
  sql: Sql,
  input: { tenant: string; userId: string; now: number; idleSince: number },
): Promise<void> {
  await sql.query(
    "DELETE FROM app_sessions WHERE tenant_id = $1 AND user_id = $2 AND (expires_at <= $3 OR last_seen_at <= $4)",
    [input.tenant, input.userId, iso(input.now), iso(input.idleSince)],
  );
}

export async function deleteSession(sql: Sql, tenant: string, tokenHash: string): Promise<void> {
  await sql.query("DELETE FROM app_sessions WHERE tenant_id = $1 AND token_hash = $2", [tenant, tokenHash]);
}

/** Deletes one of a user's sessions by its public id; the token hash deleted, if any. */
export async function deleteUserSession(
  sql: Sql,
  input: { tenant: string; userId: string; sessionId: string },
): Promise<string | undefined> {
  const { rows } = await sql.query<{ token_hash: string }>(
    "DELETE FROM app_sessions WHERE tenant_id = $1 AND user_id = $2 AND session_id = $3 RETURNING token_hash",
    [input.tenant, input.userId, input.sessionId],
  );
  return rows[0]?.token_hash;
}

/** Deletes every session of a user but the one kept (by token hash); the token hashes deleted. */
export async function deleteOtherSessions(
  sql: Sql,
  input: { tenant: string; userId: string; keepTokenHash: string },
): Promise<string[]> {
  const { rows } = await sql.query<{ token_hash: string }>(
    "DELETE FROM app_sessions WHERE tenant_id = $1 AND user_id = $2 AND token_hash <> $3 RETURNING token_hash",
    [input.tenant, input.userId, input.keepTokenHash],
  );
  return rows.map((row) => row.token_hash);
}

/** Stores a user's one live reset code (its hash), replacing an earlier one. */
export async function upsertPasswordReset(
  sql: Sql,
  reset: { tenant: string; userId: string; codeHash: string; expiresAt: number; createdBy: string },
): Promise<void> {
  await sql.query(
    `INSERT INTO app_password_resets (tenant_id, user_id, code_hash, expires_at, created_by)
     VALUES ($1, $2, $3, to_timestamp($4::double precision / 1000), $5)
     ON CONFLICT (tenant_id, user_id)
     DO UPDATE SET code_hash = excluded.code_hash, expires_at = excluded.expires_at, created_by = excluded.created_by`,
    [reset.tenant, reset.userId, reset.codeHash, reset.expiresAt, reset.createdBy],
  );
}

/** Takes a user's reset code if its hash matches and it has not expired: true once, then gone. */
export async function takePasswordReset(
  sql: Sql,
  reset: { tenant: string; userId: string; codeHash: string; now: number },
): Promise<boolean> {
  const { rows } = await sql.query(
    `DELETE FROM app_password_resets
      WHERE tenant_id = $1 AND user_id = $2 AND code_hash = $3 AND expires_at > to_timestamp($4::double precision / 1000)
      RETURNING 1`,
    [reset.tenant, reset.userId, reset.codeHash, reset.now],
  );
  return rows.length > 0;
}
