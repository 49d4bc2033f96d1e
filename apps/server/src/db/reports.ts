/**
 * SQL of the operator's reports (issue #13 item 4): one statement buckets a tenant's commits by local
 * day, ISO week or month of its time zone and sums what the journal's commands and results say, with
 * the pool and supply of the per-commit projection (price_history). Nothing is read from a list page.
 */
import type { Sql } from "@zengzhi/store";

export type ReportUnit = "day" | "week" | "month";

/** One bucket as PostgreSQL returns it: counts as integers, amounts as numeric text. */
export interface ReportRowSql {
  period: string;
  orders: number;
  order_amount: string;
  refunds: number;
  revenue_merchants: string;
  revenue_distribution: string;
  revenue_platform: string;
  revenue_pool: string;
  pool_in: string;
  pool_out: string;
  pool_end: string | null;
  price_end: string | null;
  points_issued: string;
  supply_change: string;
  exits: number;
  withdrawals: number;
  withdrawal_amount: string;
  withdrawals_approved: number;
  new_members: number;
}

/*
 * $1 tenant, $2 first local date, $3 last local date, $4 time zone, $5 unit.
 * commits: the batches committed in [first 00:00, last + 1 00:00) local time (batches_committed_at),
 * each with the pool and supply after it and after the batch before it (0 before the first).
 * facts: their accepted journal rows (by primary key range), parsed once.
 * revenue: the parts the engine split, as its results say (an order, a till sale, the online orders
 * a command settled): the SQL sums them and recomputes no rule.
 * Pool in is every inflow the engine has (order contributions, financing toPool, merchants' tip
 * purchases); pool out is pool in less the pool's change, so it is exact whatever a batch holds.
 */
const REPORT_SQL = `
WITH bounds AS (
  SELECT ($2::date::timestamp AT TIME ZONE $4) AS t0, (($3::date + 1)::timestamp AT TIME ZONE $4) AS t1
), commits AS (
  SELECT b.batch, b.first_seq, b.last_seq,
         date_trunc($5, b.committed_at AT TIME ZONE $4)::date AS period,
         p.pool, p.supply, p.price,
         coalesce(q.pool, 0) AS pool_before, coalesce(q.supply, 0) AS supply_before
    FROM batches b CROSS JOIN bounds
    JOIN price_history p ON p.tenant_id = b.tenant_id AND p.batch = b.batch
    LEFT JOIN price_history q ON q.tenant_id = b.tenant_id AND q.batch = b.batch - 1
   WHERE b.tenant_id = $1 AND b.committed_at >= bounds.t0 AND b.committed_at < bounds.t1
), facts AS (
  SELECT c.period, j.seq, j.command::jsonb ->> 'type' AS type, j.command::jsonb AS command,
         j.result::jsonb -> 'outcome' AS outcome
    FROM commits c
    JOIN journal j ON j.tenant_id = $1 AND j.seq BETWEEN c.first_seq AND c.last_seq
   WHERE j.result LIKE '{"ok":true%'
), revenue AS (
  -- The engine's own split parts: in the result (outcome.split), or for a row journaled before results
  -- carried them, derived once at migration 0240 (journal_split_parts).
  SELECT f.period,
         sum((p.split ->> 'productCost')::numeric) * 100 AS merchants_fen,
         sum((p.split ->> 'distributionCost')::numeric) * 100 AS distribution_fen,
         sum((p.split ->> 'platformProfit')::numeric) * 100 AS platform_fen,
         sum((p.split ->> 'contribution')::numeric) * 100 AS pool_fen
    FROM facts f
    LEFT JOIN journal_split_parts o ON o.tenant_id = $1 AND o.seq = f.seq
    CROSS JOIN LATERAL (SELECT coalesce(f.outcome -> 'split', o.split) AS split) p
   WHERE p.split IS NOT NULL
   GROUP BY f.period
), sums AS (
  SELECT period,
         count(*) FILTER (WHERE type IN ('order', 'orderPaid', 'tillSale'))::int AS orders,
         coalesce(sum((command ->> 'amount')::numeric) FILTER (WHERE type IN ('order', 'orderPaid', 'tillSale')), 0)
           AS order_amount,
         count(*) FILTER (WHERE type IN ('orderRefund', 'tillSaleVoid'))::int AS refunds,
         coalesce(sum((command ->> 'toPool')::numeric) FILTER (WHERE type = 'financing'), 0)
           + coalesce(sum((command ->> 'amount')::numeric) FILTER (WHERE type = 'tipBuy'), 0) AS other_in,
         coalesce(sum(CASE WHEN type IN ('order', 'tillSale', 'tipBuy') THEN (outcome ->> 'points')::numeric END), 0)
           + coalesce(sum((SELECT sum((s ->> 'points')::numeric)
                             FROM jsonb_array_elements(coalesce(outcome -> 'settled', '[]'::jsonb)) s)), 0)
           AS points_issued,
         coalesce(sum(jsonb_array_length(coalesce(outcome -> 'exits', '[]'::jsonb))), 0)::int AS exits,
         count(*) FILTER (WHERE type = 'withdraw')::int AS withdrawals,
         coalesce(sum((command ->> 'amount')::numeric) FILTER (WHERE type = 'withdraw'), 0) AS withdrawal_amount,
         count(*) FILTER (WHERE type = 'withdrawApprove')::int AS withdrawals_approved,
         count(*) FILTER (WHERE type = 'join')::int AS new_members
    FROM facts GROUP BY period
), moves AS (
  SELECT period,
         sum(pool - pool_before) AS pool_change,
         sum(supply - supply_before) AS supply_change,
         (array_agg(pool ORDER BY batch DESC))[1] AS pool_end,
         (array_agg(price ORDER BY batch DESC))[1] AS price_end
    FROM commits GROUP BY period
), periods AS (
  SELECT g::date AS period
    FROM generate_series(date_trunc($5, $2::date::timestamp), $3::date::timestamp, ('1 ' || $5)::interval) g
)
SELECT to_char(p.period, 'YYYY-MM-DD') AS period,
       coalesce(s.orders, 0) AS orders, coalesce(s.order_amount, 0)::text AS order_amount,
       coalesce(s.refunds, 0) AS refunds,
       (coalesce(r.merchants_fen, 0) / 100)::text AS revenue_merchants,
       (coalesce(r.distribution_fen, 0) / 100)::text AS revenue_distribution,
       (coalesce(r.platform_fen, 0) / 100)::text AS revenue_platform,
       (coalesce(r.pool_fen, 0) / 100)::text AS revenue_pool,
       (coalesce(r.pool_fen, 0) / 100 + coalesce(s.other_in, 0))::text AS pool_in,
       (coalesce(r.pool_fen, 0) / 100 + coalesce(s.other_in, 0) - coalesce(m.pool_change, 0))::text AS pool_out,
       m.pool_end::text AS pool_end, m.price_end::text AS price_end,
       coalesce(s.points_issued, 0)::text AS points_issued,
       coalesce(m.supply_change, 0)::text AS supply_change,
       coalesce(s.exits, 0) AS exits, coalesce(s.withdrawals, 0) AS withdrawals,
       coalesce(s.withdrawal_amount, 0)::text AS withdrawal_amount,
       coalesce(s.withdrawals_approved, 0) AS withdrawals_approved,
       coalesce(s.new_members, 0) AS new_members
  FROM periods p
  LEFT JOIN sums s ON s.period = p.period
  LEFT JOIN revenue r ON r.period = p.period
  LEFT JOIN moves m ON m.period = p.period
 ORDER BY p.period`;

export async function selectReport(
  sql: Sql,
  query: { tenant: string; from: string; to: string; timeZone: string; unit: ReportUnit },
): Promise<ReportRowSql[]> {
  const { rows } = await sql.query<ReportRowSql>(REPORT_SQL, [
    query.tenant,
    query.from,
    query.to,
    query.timeZone,
    query.unit,
  ]);
  return rows;
}
