/**
 * SQL for statements: the journal rows a statement is derived from (the ledger's journal and batches
 * tables, read only), the tenant's first rule set, and the derived lines in app_statement_entries.
 */
import type { Sql } from "@zengzhi/store";

export interface JournalRow {
  seq: number;
  key: string;
  command: string;
  result: string;
  /** When the batch holding the command committed (ms since the epoch). */
  committedAt: number;
}

export async function selectGenesisRules(sql: Sql, tenant: string): Promise<string | undefined> {
  const { rows } = await sql.query<{ rules: string }>("SELECT rules FROM tenants WHERE tenant_id = $1", [
    tenant,
  ]);
  return rows[0]?.rules;
}

/** Up to `limit` journal rows after `seq`, in order, with their batch's commit time. */
export async function selectJournalAfter(
  sql: Sql,
  tenant: string,
  after: { seq: number; limit: number },
): Promise<JournalRow[]> {
  const { rows } = await sql.query<{
    seq: string;
    idempotency_key: string;
    command: string;
    result: string;
    committed_at: string | Date;
  }>(
    `SELECT j.seq::text AS seq, j.idempotency_key, j.command, j.result, b.committed_at
       FROM journal j JOIN batches b ON b.tenant_id = j.tenant_id AND b.batch = j.batch
      WHERE j.tenant_id = $1 AND j.seq > $2 ORDER BY j.seq LIMIT $3`,
    [tenant, after.seq, after.limit],
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    key: r.idempotency_key,
    command: r.command,
    result: r.result,
    committedAt: new Date(r.committed_at).getTime(),
  }));
}

export interface StatementRow {
  subject: string;
  account: "cash" | "points" | "prepaid";
  seq: number;
  line: number;
  kind: string;
  amount: string;
  balance: string;
  detail: string | null;
  day: number;
  at: number;
}

/** Lines per INSERT: 10 parameters each, far below PostgreSQL's 65,535. */
const ROWS_PER_INSERT = 500;

/** Stores derived lines; a line already stored (another node derived it first) is left as it is. */
export async function insertStatementRows(sql: Sql, tenant: string, rows: StatementRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const chunk = rows.slice(start, start + ROWS_PER_INSERT);
    const params: unknown[] = [tenant];
    const tuples = chunk.map((row) => {
      const first = params.length + 1;
      params.push(row.subject, row.account, row.seq, row.line, row.kind, row.amount, row.balance);
      params.push(row.detail, row.day, row.at);
      const p = (i: number) => `$${first + i}`;
      return `($1, ${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}::numeric, ${p(6)}::numeric, ${p(7)}::numeric, ${p(8)}, to_timestamp(${p(9)}::bigint / 1000.0))`;
    });
    await sql.query(
      `INSERT INTO app_statement_entries (tenant_id, subject, account, seq, line, kind, amount, balance, detail, day, at) VALUES ${tuples.join(", ")}
       ON CONFLICT (tenant_id, subject, account, seq, line) DO NOTHING`,
      params,
    );
  }
}

/** One page of a subject's lines, newest first, before the cursor (seq, line). */
export async function selectStatementPage(
  sql: Sql,
  tenant: string,
  page: { subject: string; account: string; before: [number, number] | undefined; limit: number },
): Promise<StatementRow[]> {
  const [seq, line] = page.before ?? [Number.MAX_SAFE_INTEGER, 0];
  const { rows } = await sql.query<{
    subject: string;
    account: "cash" | "points" | "prepaid";
    seq: string;
    line: number;
    kind: string;
    amount: string;
    balance: string;
    detail: string | null;
    day: number;
    at: string | Date;
  }>(
    // Ordered by the table's columns (e.seq), not by the text the SELECT list names seq.
    `SELECT e.subject, e.account, e.seq::text AS seq, e.line, e.kind, e.amount::text AS amount,
            e.balance::text AS balance, e.detail::text AS detail, e.day, e.at
       FROM app_statement_entries e
      WHERE e.tenant_id = $1 AND e.subject = $2 AND e.account = $3 AND (e.seq, e.line) < ($4, $5)
      ORDER BY e.seq DESC, e.line DESC LIMIT $6`,
    [tenant, page.subject, page.account, seq, line, page.limit],
  );
  return rows.map((r) => ({ ...r, seq: Number(r.seq), line: Number(r.line), at: new Date(r.at).getTime() }));
}

/** The journal position up to which every statement line is stored (0 before the first catch-up). */
export async function selectStatementCheckpoint(sql: Sql, tenant: string): Promise<number> {
  const { rows } = await sql.query<{ seq: string }>(
    "SELECT seq::text AS seq FROM app_statement_checkpoints WHERE tenant_id = $1",
    [tenant],
  );
  return rows[0] === undefined ? 0 : Number(rows[0].seq);
}

/** Moves the checkpoint forward (never back: two nodes may catch up at once). */
export async function updateStatementCheckpoint(sql: Sql, tenant: string, seq: number): Promise<void> {
  await sql.query(
    `INSERT INTO app_statement_checkpoints (tenant_id, seq) VALUES ($1, $2)
     ON CONFLICT (tenant_id) DO UPDATE SET seq = greatest(app_statement_checkpoints.seq, excluded.seq)`,
    [tenant, seq],
  );
}

/** The seq of the tenant's latest ledger snapshot at or before `seq`, if any. */
export async function selectSnapshotSeqAtMost(
  sql: Sql,
  tenant: string,
  seq: number,
): Promise<number | undefined> {
  const { rows } = await sql.query<{ seq: string | null }>(
    "SELECT max(seq)::text AS seq FROM snapshots WHERE tenant_id = $1 AND seq <= $2",
    [tenant, seq],
  );
  const found = rows[0]?.seq;
  return found === null || found === undefined ? undefined : Number(found);
}
