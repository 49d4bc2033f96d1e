/**
 * SQL of member administration: the members' phones (on app_users), the operator's search by part
 * of a username or phone, and the frozen members (app_frozen_members).
 */
import type { Sql } from "@zengzhi/store";

/** Escapes LIKE's wildcards so that a search matches its words literally. */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Members whose username or phone contains `words` (case-insensitive), by username after the
 * cursor, at most `limit`. A scan of the tenant's member accounts: a tenant with millions of
 * members would want a trigram index here (docs/SCALING.md).
 */
export async function searchMemberIds(
  sql: Sql,
  query: { tenant: string; words: string; after: string | null; limit: number },
): Promise<string[]> {
  const { rows } = await sql.query<{ member_id: string }>(
    `SELECT member_id FROM app_users
      WHERE tenant_id = $1 AND role = 'member' AND member_id IS NOT NULL
        AND (username ILIKE $2 OR phone LIKE $2) AND ($3::text IS NULL OR member_id > $3)
      ORDER BY member_id LIMIT $4`,
    [query.tenant, `%${literal(query.words)}%`, query.after, query.limit],
  );
  return rows.map((row) => row.member_id);
}

/** The phones of these members (members without one are left out). */
export async function selectPhones(
  sql: Sql,
  tenant: string,
  members: string[],
): Promise<Map<string, string>> {
  if (members.length === 0) return new Map();
  const { rows } = await sql.query<{ member_id: string; phone: string }>(
    `SELECT member_id, phone FROM app_users
      WHERE tenant_id = $1 AND role = 'member' AND member_id = ANY($2::text[]) AND phone IS NOT NULL`,
    [tenant, members],
  );
  return new Map(rows.map((row) => [row.member_id, row.phone]));
}

/** Sets (or clears) a member's phone; false when the member has no account. */
export async function updatePhone(
  sql: Sql,
  change: { tenant: string; member: string; phone: string | null },
): Promise<boolean> {
  const { rows } = await sql.query(
    `UPDATE app_users SET phone = $3 WHERE tenant_id = $1 AND role = 'member' AND member_id = $2
     RETURNING 1`,
    [change.tenant, change.member, change.phone],
  );
  return rows.length > 0;
}

export async function selectFrozenMembers(sql: Sql, tenant: string): Promise<string[]> {
  const { rows } = await sql.query<{ member_id: string }>(
    "SELECT member_id FROM app_frozen_members WHERE tenant_id = $1",
    [tenant],
  );
  return rows.map((row) => row.member_id);
}

export async function setMemberFrozen(
  sql: Sql,
  change: { tenant: string; member: string; frozen: boolean; by: string },
): Promise<void> {
  if (change.frozen) {
    await sql.query(
      `INSERT INTO app_frozen_members (tenant_id, member_id, frozen_by) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, member_id) DO NOTHING`,
      [change.tenant, change.member, change.by],
    );
  } else {
    await sql.query("DELETE FROM app_frozen_members WHERE tenant_id = $1 AND member_id = $2", [
      change.tenant,
      change.member,
    ]);
  }
}
