/**
 * SQL for the transparency page: the day closes' liability roots (app_liability_roots), the custody
 * statements operators attach, the key members' salts derive from, and the journal rows a close's
 * pool inflow is summed over (the ledger's journal table, read only).
 */
import type { Sql } from "@zengzhi/store";

export interface LiabilityRootRow {
  day: number;
  closedAt: string;
  days: number;
  seq: number;
  root: string;
  cashFen: bigint;
  points: bigint;
  members: number;
  poolInflowFen: bigint;
}

interface RootRecord {
  day: number;
  closed_at: string | Date;
  days: number;
  seq: string;
  root: string;
  cash_fen: string;
  points: string;
  members: number;
  pool_inflow_fen: string;
}

const ROOT_COLUMNS =
  "day, closed_at, days, seq::text AS seq, root, cash_fen::text AS cash_fen, points::text AS points, members, pool_inflow_fen::text AS pool_inflow_fen";

function rootRow(r: RootRecord): LiabilityRootRow {
  return {
    day: Number(r.day),
    closedAt: new Date(r.closed_at).toISOString(),
    days: Number(r.days),
    seq: Number(r.seq),
    root: r.root,
    cashFen: BigInt(r.cash_fen),
    points: BigInt(r.points),
    members: Number(r.members),
    poolInflowFen: BigInt(r.pool_inflow_fen),
  };
}

/** Stores a close's root; a second close of the same day (a retried request) keeps the first. */
export async function insertLiabilityRoot(
  sql: Sql,
  tenant: string,
  row: LiabilityRootRow & { leaves: Uint8Array },
): Promise<void> {
  await sql.query(
    `INSERT INTO app_liability_roots
       (tenant_id, day, closed_at, days, seq, root, cash_fen, points, members, pool_inflow_fen, leaves)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (tenant_id, day) DO NOTHING`,
    [
      tenant,
      row.day,
      row.closedAt,
      row.days,
      row.seq,
      row.root,
      row.cashFen.toString(),
      row.points.toString(),
      row.members,
      row.poolInflowFen.toString(),
      row.leaves,
    ],
  );
}

/** Forgets the leaves of all but the newest `kept` closes (their roots and totals stay). */
export async function pruneLiabilityLeaves(sql: Sql, tenant: string, kept: number): Promise<void> {
  await sql.query(
    `UPDATE app_liability_roots SET leaves = NULL WHERE tenant_id = $1 AND leaves IS NOT NULL AND day <
       (SELECT coalesce(min(day), 0) FROM
         (SELECT day FROM app_liability_roots WHERE tenant_id = $1 ORDER BY day DESC LIMIT ${kept}) newest)`,
    [tenant],
  );
}

/** The newest `limit` closes, newest first. */
export async function selectLiabilityRoots(
  sql: Sql,
  tenant: string,
  limit: number,
): Promise<LiabilityRootRow[]> {
  const { rows } = await sql.query<RootRecord>(
    `SELECT ${ROOT_COLUMNS} FROM app_liability_roots WHERE tenant_id = $1 ORDER BY day DESC LIMIT ${limit}`,
    [tenant],
  );
  return rows.map(rootRow);
}

/** The newest close that still has its leaves, with them. */
export async function selectLatestLeaves(sql: Sql, tenant: string) {
  const { rows } = await sql.query<RootRecord & { leaves: Uint8Array }>(
    `SELECT ${ROOT_COLUMNS}, leaves FROM app_liability_roots
      WHERE tenant_id = $1 AND leaves IS NOT NULL ORDER BY day DESC LIMIT 1`,
    [tenant],
  );
  const row = rows[0];
  return row === undefined ? undefined : { ...rootRow(row), leaves: new Uint8Array(row.leaves) };
}

/** The closes at days after `afterDay`: their pool inflow and the days they cover. */
export async function selectInflowSince(sql: Sql, tenant: string, afterDay: number) {
  const { rows } = await sql.query<{ inflow: string | null; days: string | null }>(
    `SELECT sum(pool_inflow_fen)::text AS inflow, sum(days)::text AS days FROM app_liability_roots
      WHERE tenant_id = $1 AND day > $2`,
    [tenant, afterDay],
  );
  return { amount: BigInt(rows[0]?.inflow ?? "0"), days: Number(rows[0]?.days ?? 0) };
}

/** Sequence number of the close before `day` (undefined for the first). */
export async function selectPreviousCloseSeq(
  sql: Sql,
  tenant: string,
  day: number,
): Promise<number | undefined> {
  const { rows } = await sql.query<{ seq: string }>(
    "SELECT seq::text AS seq FROM app_liability_roots WHERE tenant_id = $1 AND day < $2 ORDER BY day DESC LIMIT 1",
    [tenant, day],
  );
  return rows[0] === undefined ? undefined : Number(rows[0].seq);
}

/** Sequence number of the last accepted-or-not advance command before `seq` (0 when none). */
export async function selectPreviousAdvanceSeq(sql: Sql, tenant: string, seq: number): Promise<number> {
  const { rows } = await sql.query<{ seq: string | null }>(
    `SELECT max(seq)::text AS seq FROM journal
      WHERE tenant_id = $1 AND seq < $2 AND command LIKE '{"type":"advance"%'`,
    [tenant, seq],
  );
  return Number(rows[0]?.seq ?? 0);
}

/** Journal rows with after < seq <= through, oldest first, at most `limit`. */
export async function selectJournalRows(
  sql: Sql,
  tenant: string,
  range: { after: number; through: number; limit: number },
) {
  const { rows } = await sql.query<{ seq: string; command: string; result: string }>(
    `SELECT seq::text AS seq, command, result FROM journal
      WHERE tenant_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT ${range.limit}`,
    [tenant, range.after, range.through],
  );
  return rows.map((r) => ({ seq: Number(r.seq), command: r.command, result: r.result }));
}

/** The tenant's salt key (hex), stored once: the first writer wins. */
export async function selectOrInsertSaltKey(sql: Sql, tenant: string, candidateHex: string): Promise<string> {
  await sql.query(
    `INSERT INTO app_settings (tenant_id, name, value) VALUES ($1, 'liability_salt_key', $2::jsonb)
     ON CONFLICT (tenant_id, name) DO NOTHING`,
    [tenant, JSON.stringify(candidateHex)],
  );
  const { rows } = await sql.query<{ value: unknown }>(
    "SELECT value FROM app_settings WHERE tenant_id = $1 AND name = 'liability_salt_key'",
    [tenant],
  );
  return String(rows[0]!.value);
}

export interface CustodyStatementRow {
  amountFen: bigint;
  date: string;
  reference: string;
  attachedAt: string;
}

export async function insertCustodyStatement(
  sql: Sql,
  tenant: string,
  row: CustodyStatementRow & { attachedBy: string },
): Promise<void> {
  await sql.query(
    `INSERT INTO app_custody_statements (tenant_id, id, amount_fen, statement_date, reference, attached_at, attached_by)
     SELECT $1, coalesce(max(id), 0) + 1, $2, $3, $4, $5, $6 FROM app_custody_statements WHERE tenant_id = $1`,
    [tenant, row.amountFen.toString(), row.date, row.reference, row.attachedAt, row.attachedBy],
  );
}

export async function selectLatestCustodyStatement(
  sql: Sql,
  tenant: string,
): Promise<CustodyStatementRow | undefined> {
  const { rows } = await sql.query<{
    amount: string;
    date: string | Date;
    reference: string;
    attached_at: string | Date;
  }>(
    `SELECT amount_fen::text AS amount, to_char(statement_date, 'YYYY-MM-DD') AS date, reference, attached_at
       FROM app_custody_statements WHERE tenant_id = $1 ORDER BY id DESC LIMIT 1`,
    [tenant],
  );
  const r = rows[0];
  if (r === undefined) return undefined;
  return {
    amountFen: BigInt(r.amount),
    date: String(r.date),
    reference: r.reference,
    attachedAt: new Date(r.attached_at).toISOString(),
  };
}
