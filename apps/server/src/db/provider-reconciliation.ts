/**
 * SQL of provider reconciliation (issue 12, item 3): the ledger lines of each source for a window of
 * time, and the stored result of each run (app_provider_reconciliations, app_provider_mismatches).
 */
import type { Sql } from "@zengzhi/store";

export interface AttemptLineRow {
  reference: string;
  amount_fen: string;
  provider_reference: string | null;
  order_status: string;
}

/**
 * Order payment attempts of one provider: those whose verified notification arrived in the window,
 * and those the statement names (whatever their date), with their order's status.
 */
export async function selectOrderAttempts(
  sql: Sql,
  tenant: string,
  scope: { provider: string; from: Date; to: Date; references: readonly string[] },
): Promise<AttemptLineRow[]> {
  const { rows } = await sql.query<AttemptLineRow>(
    `SELECT p.reference, p.amount_fen::text AS amount_fen, p.provider_reference, o.status AS order_status
       FROM app_provider_payments p
       JOIN app_orders o ON o.tenant_id = p.tenant_id AND o.order_id = p.order_id
      WHERE p.tenant_id = $1 AND p.provider = $2
        AND (p.reference = ANY($5::text[])
             OR (p.provider_reference IS NOT NULL AND EXISTS (
                   SELECT 1 FROM app_payment_callbacks c
                    WHERE c.tenant_id = o.tenant_id AND c.payment_id = o.payment_id
                      AND c.received_at >= $3 AND c.received_at < $4)))`,
    [tenant, scope.provider, scope.from, scope.to, scope.references],
  );
  return rows;
}

export interface TopUpLineRow {
  reference: string;
  amount_fen: string;
  credited: boolean;
}

/** Prepaid top-ups of one provider credited in the window, and those the statement names. */
export async function selectTopUpLines(
  sql: Sql,
  tenant: string,
  scope: { provider: string; from: Date; to: Date; references: readonly string[] },
): Promise<TopUpLineRow[]> {
  const { rows } = await sql.query<TopUpLineRow>(
    `SELECT reference, amount_fen::text AS amount_fen, credited_at IS NOT NULL AS credited
       FROM app_prepaid_top_ups
      WHERE tenant_id = $1 AND provider = $2
        AND (reference = ANY($5::text[]) OR (credited_at >= $3 AND credited_at < $4))`,
    [tenant, scope.provider, scope.from, scope.to, scope.references],
  );
  return rows;
}

export interface RefundLineRow {
  refund_reference: string;
  amount_fen: string;
  state: "pending" | "succeeded" | "failed";
}

/**
 * Refunds sent through one provider (app_provider_refunds: an operator's refund of a paid order, or
 * the refund of a payment that arrived after its order was cancelled): those last updated in the
 * window, and those the statement names.
 */
export async function selectRefundLines(
  sql: Sql,
  tenant: string,
  scope: { provider: string; from: Date; to: Date; references: readonly string[] },
): Promise<RefundLineRow[]> {
  const { rows } = await sql.query<RefundLineRow>(
    `SELECT refund_reference, amount_fen::text AS amount_fen, state
       FROM app_provider_refunds
      WHERE tenant_id = $1 AND provider = $2
        AND (refund_reference = ANY($5::text[]) OR (updated_at >= $3 AND updated_at < $4))`,
    [tenant, scope.provider, scope.from, scope.to, scope.references],
  );
  return rows;
}

export interface MismatchRow {
  kind: string;
  source: string;
  line_kind: string;
  reference: string;
  ledger_amount_fen: string | null;
  provider_amount_fen: string | null;
  ledger_state: string | null;
  provider_state: string | null;
}

export interface ReconciliationRow {
  bill_date: string;
  provider: string;
  status: "matched" | "mismatched" | "unavailable";
  provider_lines: number;
  ledger_lines: number;
  detail: string;
  ran_at: Date;
}

/** Replaces the result of one date and provider (a re-run leaves one answer per date). */
export async function storeReconciliation(
  sql: Sql,
  tenant: string,
  run: Omit<ReconciliationRow, "ran_at"> & { mismatches: MismatchRow[] },
): Promise<void> {
  await sql.transaction(async (tx) => {
    const key = [tenant, run.bill_date, run.provider];
    await tx.query(
      "DELETE FROM app_provider_mismatches WHERE tenant_id = $1 AND bill_date = $2 AND provider = $3",
      key,
    );
    await tx.query(
      `INSERT INTO app_provider_reconciliations
         (tenant_id, bill_date, provider, status, provider_lines, ledger_lines, detail, ran_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now())
       ON CONFLICT (tenant_id, bill_date, provider) DO UPDATE SET status = EXCLUDED.status,
         provider_lines = EXCLUDED.provider_lines, ledger_lines = EXCLUDED.ledger_lines,
         detail = EXCLUDED.detail, ran_at = EXCLUDED.ran_at`,
      [...key, run.status, run.provider_lines, run.ledger_lines, run.detail],
    );
    for (const [line, m] of run.mismatches.entries()) {
      await tx.query(
        `INSERT INTO app_provider_mismatches (tenant_id, bill_date, provider, line, kind, source, reference,
           ledger_amount_fen, provider_amount_fen, ledger_state, provider_state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          ...key,
          line + 1,
          m.kind,
          `${m.source}:${m.line_kind}`,
          m.reference,
          m.ledger_amount_fen,
          m.provider_amount_fen,
          m.ledger_state,
          m.provider_state,
        ],
      );
    }
  });
}

/** The runs of the latest dates (newest first), at most `limit` of them, with their mismatches. */
export async function selectReconciliations(
  sql: Sql,
  tenant: string,
  limit: number,
): Promise<(ReconciliationRow & { mismatches: MismatchRow[] })[]> {
  const runs = await sql.query<ReconciliationRow>(
    `SELECT to_char(bill_date, 'YYYY-MM-DD') AS bill_date, provider, status, provider_lines, ledger_lines,
            detail, ran_at
       FROM app_provider_reconciliations WHERE tenant_id = $1
      ORDER BY bill_date DESC, provider LIMIT $2`,
    [tenant, limit],
  );
  const mismatches = await sql.query<MismatchRow & { bill_date: string; provider: string }>(
    `SELECT to_char(m.bill_date, 'YYYY-MM-DD') AS bill_date, m.provider, m.kind,
            split_part(m.source, ':', 1) AS source, split_part(m.source, ':', 2) AS line_kind, m.reference,
            m.ledger_amount_fen::text AS ledger_amount_fen, m.provider_amount_fen::text AS provider_amount_fen,
            m.ledger_state, m.provider_state
       FROM app_provider_mismatches m
       JOIN app_provider_reconciliations r ON r.tenant_id = m.tenant_id AND r.bill_date = m.bill_date
        AND r.provider = m.provider
      WHERE m.tenant_id = $1 AND r.bill_date >= (
        SELECT coalesce(min(bill_date), '1970-01-01') FROM (
          SELECT bill_date FROM app_provider_reconciliations WHERE tenant_id = $1
           ORDER BY bill_date DESC, provider LIMIT $2) latest)
      ORDER BY m.bill_date DESC, m.provider, m.line`,
    [tenant, limit],
  );
  return runs.rows.map((run) => ({
    ...run,
    mismatches: mismatches.rows.filter((m) => m.bill_date === run.bill_date && m.provider === run.provider),
  }));
}
