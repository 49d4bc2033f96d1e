/** SQL on app_audit: who did what, when (written in batches by domain/audit-log.ts). */
import type { Sql } from "@zengzhi/store";

export interface AuditRow {
  tenant: string;
  at: string;
  actor: string;
  role: string;
  action: string;
  target: string | null;
  detail: unknown;
}

export async function insertAuditRows(sql: Sql, entries: readonly AuditRow[]): Promise<void> {
  if (entries.length === 0) return;
  const values: unknown[] = [];
  const rows = entries.map((e, i) => {
    values.push(e.tenant, e.at, e.actor, e.role, e.action, e.target, JSON.stringify(e.detail ?? null));
    const b = i * 7;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}::jsonb)`;
  });
  await sql.query(
    `INSERT INTO app_audit (tenant_id, at, actor, role, action, target, detail) VALUES ${rows.join(", ")}`,
    values,
  );
}

export async function selectAudit(sql: Sql, tenant: string, before: string | null, limit: number) {
  const { rows } = await sql.query<{
    seq: string;
    at: string | Date;
    actor: string;
    role: string;
    action: string;
    target: string | null;
    detail: unknown;
  }>(
    `SELECT seq::text AS seq, at, actor, role, action, target, detail FROM app_audit
      WHERE tenant_id = $1 AND ($2::bigint IS NULL OR seq < $2) ORDER BY app_audit.seq DESC LIMIT $3`,
    [tenant, before, limit],
  );
  return rows;
}
