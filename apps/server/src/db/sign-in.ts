/**
 * SQL of sign-in without a typed tenant: each tenant's domain, its WeChat apps (secrets sealed),
 * the WeChat identities linked to accounts, the one-use OAuth states, and phone codes.
 */
import type { Sql } from "@zengzhi/store";
import type { UserRow } from "./users.js";

export type WechatAppKind = "official" | "mini";

export async function selectTenantDomain(sql: Sql, tenant: string): Promise<string | null> {
  const { rows } = await sql.query<{ domain: string }>(
    "SELECT domain FROM app_tenant_domains WHERE tenant_id = $1",
    [tenant],
  );
  return rows[0]?.domain ?? null;
}

/** The tenant whose domain this is: one lookup by domain across tenants (docs/SCALING.md). */
export async function selectTenantOfDomain(sql: Sql, domain: string): Promise<string | undefined> {
  const { rows } = await sql.query<{ tenant_id: string }>(
    "SELECT tenant_id FROM app_tenant_domains WHERE domain = $1 ORDER BY tenant_id LIMIT 1",
    [domain],
  );
  return rows[0]?.tenant_id;
}

/** Sets the tenant's domain unless another tenant has it; false when it is taken. */
export async function upsertTenantDomain(sql: Sql, tenant: string, domain: string): Promise<boolean> {
  const { rows } = await sql.query(
    `INSERT INTO app_tenant_domains (tenant_id, domain, updated_at)
     SELECT $1, $2, now() WHERE NOT EXISTS (SELECT 1 FROM app_tenant_domains WHERE domain = $2 AND tenant_id <> $1)
     ON CONFLICT (tenant_id) DO UPDATE SET domain = EXCLUDED.domain, updated_at = EXCLUDED.updated_at
     RETURNING tenant_id`,
    [tenant, domain],
  );
  return rows.length > 0;
}

export async function deleteTenantDomain(sql: Sql, tenant: string): Promise<void> {
  await sql.query("DELETE FROM app_tenant_domains WHERE tenant_id = $1", [tenant]);
}

export interface WechatAppRow {
  app: WechatAppKind;
  appid: string;
  sealed_secret: string;
  updated_at: Date;
}

export async function selectWechatApps(sql: Sql, tenant: string): Promise<WechatAppRow[]> {
  const { rows } = await sql.query<WechatAppRow>(
    "SELECT app, appid, sealed_secret, updated_at FROM app_wechat_apps WHERE tenant_id = $1 ORDER BY app",
    [tenant],
  );
  return rows;
}

export async function upsertWechatApp(
  sql: Sql,
  tenant: string,
  row: { app: WechatAppKind; appid: string; sealedSecret: string },
): Promise<void> {
  await sql.query(
    `INSERT INTO app_wechat_apps (tenant_id, app, appid, sealed_secret, updated_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (tenant_id, app) DO UPDATE
       SET appid = EXCLUDED.appid, sealed_secret = EXCLUDED.sealed_secret, updated_at = EXCLUDED.updated_at`,
    [tenant, row.app, row.appid, row.sealedSecret],
  );
}

export async function deleteWechatApp(sql: Sql, tenant: string, app: WechatAppKind): Promise<void> {
  await sql.query("DELETE FROM app_wechat_apps WHERE tenant_id = $1 AND app = $2", [tenant, app]);
}

export interface WechatStateRow {
  browser_hash: string;
  intent: "login" | "link";
  user_id: string | null;
  scope: string;
}

export async function insertWechatState(
  sql: Sql,
  row: WechatStateRow & { tenant: string; stateHash: string; expiresAt: number },
): Promise<void> {
  await sql.query(
    `INSERT INTO app_wechat_states (tenant_id, state_hash, browser_hash, intent, user_id, scope, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7 / 1000.0))`,
    [row.tenant, row.stateHash, row.browser_hash, row.intent, row.user_id, row.scope, row.expiresAt],
  );
}

/** Takes a live state once (deleting it, and any expired ones of the tenant); undefined otherwise. */
export async function takeWechatState(
  sql: Sql,
  input: { tenant: string; stateHash: string; now: number },
): Promise<WechatStateRow | undefined> {
  await sql.query(
    "DELETE FROM app_wechat_states WHERE tenant_id = $1 AND expires_at <= to_timestamp($2 / 1000.0)",
    [input.tenant, input.now],
  );
  const { rows } = await sql.query<WechatStateRow>(
    `DELETE FROM app_wechat_states WHERE tenant_id = $1 AND state_hash = $2
     RETURNING browser_hash, intent, user_id, scope`,
    [input.tenant, input.stateHash],
  );
  return rows[0];
}

export interface WechatIdentityRow {
  user_id: string;
  app: WechatAppKind;
  appid: string;
  openid: string;
  nickname: string | null;
  linked_at: Date;
}

export async function selectIdentityOfUser(
  sql: Sql,
  tenant: string,
  userId: string,
): Promise<WechatIdentityRow | undefined> {
  const { rows } = await sql.query<WechatIdentityRow>(
    `SELECT user_id, app, appid, openid, nickname, linked_at FROM app_wechat_identities
     WHERE tenant_id = $1 AND user_id = $2`,
    [tenant, userId],
  );
  return rows[0];
}

/** The live account linked to this openid of this app, if any. */
export async function selectUserOfOpenid(
  sql: Sql,
  input: { tenant: string; appid: string; openid: string },
): Promise<UserRow | undefined> {
  const { rows } = await sql.query<UserRow>(
    `SELECT u.tenant_id, u.user_id, u.username, u.role, u.member_id, u.merchant_id
       FROM app_wechat_identities w JOIN app_users u ON u.tenant_id = w.tenant_id AND u.user_id = w.user_id
      WHERE w.tenant_id = $1 AND w.appid = $2 AND w.openid = $3 AND u.revoked_at IS NULL`,
    [input.tenant, input.appid, input.openid],
  );
  return rows[0];
}

/** Links an identity; false when the account has one or the openid belongs to another account. */
export async function insertIdentity(
  sql: Sql,
  row: Omit<WechatIdentityRow, "linked_at"> & { tenant: string },
): Promise<boolean> {
  const { rows } = await sql.query(
    `INSERT INTO app_wechat_identities (tenant_id, user_id, app, appid, openid, nickname)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING user_id`,
    [row.tenant, row.user_id, row.app, row.appid, row.openid, row.nickname],
  );
  return rows.length > 0;
}

export async function deleteIdentity(sql: Sql, tenant: string, userId: string): Promise<boolean> {
  const { rows } = await sql.query(
    "DELETE FROM app_wechat_identities WHERE tenant_id = $1 AND user_id = $2 RETURNING user_id",
    [tenant, userId],
  );
  return rows.length > 0;
}

/** The openid linked to a member's account (for payouts to the member's WeChat balance). */
export async function selectOpenidOfMember(
  sql: Sql,
  tenant: string,
  memberId: string,
): Promise<{ openid: string; appid: string } | undefined> {
  const { rows } = await sql.query<{ openid: string; appid: string }>(
    `SELECT w.openid, w.appid FROM app_users u
       JOIN app_wechat_identities w ON w.tenant_id = u.tenant_id AND w.user_id = u.user_id
      WHERE u.tenant_id = $1 AND u.role = 'member' AND u.member_id = $2`,
    [tenant, memberId],
  );
  return rows[0];
}

export interface PhoneCodeRow {
  phone: string;
  code_hash: string;
  expires_at: Date;
  attempts: number;
  sent_at: Date;
  window_start: Date;
  sends_in_window: number;
}

export async function selectPhoneCode(
  sql: Sql,
  tenant: string,
  userId: string,
): Promise<PhoneCodeRow | undefined> {
  const { rows } = await sql.query<PhoneCodeRow>(
    `SELECT phone, code_hash, expires_at, attempts, sent_at, window_start, sends_in_window
       FROM app_phone_codes WHERE tenant_id = $1 AND user_id = $2`,
    [tenant, userId],
  );
  return rows[0];
}

export async function upsertPhoneCode(
  sql: Sql,
  row: {
    tenant: string;
    userId: string;
    phone: string;
    codeHash: string;
    expiresAt: number;
    sentAt: number;
    windowStart: number;
    sendsInWindow: number;
  },
): Promise<void> {
  await sql.query(
    `INSERT INTO app_phone_codes
       (tenant_id, user_id, phone, code_hash, expires_at, attempts, sent_at, window_start, sends_in_window)
     VALUES ($1, $2, $3, $4, to_timestamp($5 / 1000.0), 0, to_timestamp($6 / 1000.0), to_timestamp($7 / 1000.0), $8)
     ON CONFLICT (tenant_id, user_id) DO UPDATE SET phone = EXCLUDED.phone, code_hash = EXCLUDED.code_hash,
       expires_at = EXCLUDED.expires_at, attempts = 0, sent_at = EXCLUDED.sent_at,
       window_start = EXCLUDED.window_start, sends_in_window = EXCLUDED.sends_in_window`,
    [
      row.tenant,
      row.userId,
      row.phone,
      row.codeHash,
      row.expiresAt,
      row.sentAt,
      row.windowStart,
      row.sendsInWindow,
    ],
  );
}

export async function countPhoneAttempt(sql: Sql, tenant: string, userId: string): Promise<void> {
  await sql.query(
    "UPDATE app_phone_codes SET attempts = attempts + 1 WHERE tenant_id = $1 AND user_id = $2",
    [tenant, userId],
  );
}

/** Spends the code: it cannot be used again (the send window's count stays). */
export async function spendPhoneCode(sql: Sql, tenant: string, userId: string): Promise<void> {
  await sql.query(
    "UPDATE app_phone_codes SET code_hash = '', expires_at = now() WHERE tenant_id = $1 AND user_id = $2",
    [tenant, userId],
  );
}

/** Another account of the tenant that has proven this phone. */
export async function phoneBoundElsewhere(
  sql: Sql,
  input: { tenant: string; userId: string; phone: string },
): Promise<boolean> {
  const { rows } = await sql.query(
    `SELECT 1 FROM app_users WHERE tenant_id = $1 AND phone = $2 AND user_id <> $3
       AND phone_verified_at IS NOT NULL AND revoked_at IS NULL`,
    [input.tenant, input.phone, input.userId],
  );
  return rows.length > 0;
}

export async function updateVerifiedPhone(
  sql: Sql,
  input: { tenant: string; userId: string; phone: string | null; now: number },
): Promise<void> {
  await sql.query(
    `UPDATE app_users SET phone = $3,
       phone_verified_at = CASE WHEN $3::text IS NULL THEN NULL ELSE to_timestamp($4 / 1000.0) END
     WHERE tenant_id = $1 AND user_id = $2`,
    [input.tenant, input.userId, input.phone, input.now],
  );
}

export async function selectPhoneOfUser(
  sql: Sql,
  tenant: string,
  userId: string,
): Promise<{ phone: string | null; phone_verified_at: Date | null; password_hash: string } | undefined> {
  const { rows } = await sql.query<{
    phone: string | null;
    phone_verified_at: Date | null;
    password_hash: string;
  }>("SELECT phone, phone_verified_at, password_hash FROM app_users WHERE tenant_id = $1 AND user_id = $2", [
    tenant,
    userId,
  ]);
  return rows[0];
}
