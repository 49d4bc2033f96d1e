/**
 * SQL on app_audit: who did what, when. Entries are numbered per tenant by app_audit_counter, raised
 * in the statement that inserts the entry, so a refused entry leaves no gap. A ledger command's entry
 * is written by the ledger's commit statement instead (packages/store, writer.ts).
 */
import { type AuditNote, type Sql, auditNoteText } from "@zengzhi/store";

const INSERT_SQL = `
WITH entry AS (SELECT $2::jsonb AS e), counter AS (
  INSERT INTO app_audit_counter (tenant_id, last_seq) VALUES ($1, 1)
  ON CONFLICT (tenant_id) DO UPDATE SET last_seq = app_audit_counter.last_seq + 1
  RETURNING last_seq
)
INSERT INTO app_audit (tenant_id, seq, actor, role, action, target, detail)
SELECT $1, counter.last_seq, e->>'actor', e->>'role', e->>'action', e->>'target', e->'detail'
FROM entry CROSS JOIN counter`;

export async function insertAuditEntry(sql: Sql, entry: AuditNote & { tenant: string }): Promise<void> {
  await sql.query(INSERT_SQL, [entry.tenant, auditNoteText(entry)]);
}

/** From now on every accepted command of the tenant must have its audit entry (`zengzhi verify`). */
export async function markTenantAudited(sql: Sql, tenant: string): Promise<void> {
  await sql.query(
    `INSERT INTO app_audit_since (tenant_id, journal_seq)
     SELECT tenant_id, seq FROM tenant_state WHERE tenant_id = $1 ON CONFLICT DO NOTHING`,
    [tenant],
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
