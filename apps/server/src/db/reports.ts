/**
 * SQL of the operator's reports (issue #13 item 4): one statement buckets a tenant's commands by the
 * calendar date of their engine day (as statements date them), ISO week or month, and sums what the journal's commands and results say, with
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
 * $1 tenant, $2 first local date, $3 last local date, $4 its engine day, $5 the last date's engine day,
 * $6 unit, $7 the date engine day 0 stands for (the tenant's calendar).
 * A movement belongs to the date of the engine day it was applied on, the date its statement line
 * shows, not to the instant it committed: a close that runs after midnight still closes yesterday.
 * bounds: the batches that can hold commands of those days. Days only grow with the batch number, so
 * they run from the first batch that ends on day $4 or later to the first that ends after day $5
 * (price_history_day).
 * commits: those batches with the day before each (the day the batch before it ended on), the pool
 * and supply after it and after the batch before it (0 before the first).
 * days: each of their journal rows with its engine day: the batch's first day plus the days of the
 * accepted advance commands before it in the batch (the only command that moves the day).
 * facts: the accepted rows of the range, parsed once, in the bucket of their day's date.
 * revenue: the parts the engine split, as its results say (an order, a till sale, the online orders
 * a command settled): the SQL sums them and recomputes no rule.
 * Pool in is every inflow the engine has (order contributions, financing toPool, merchants' tip
 * purchases); pool out is pool in less the pool's change, the change of each batch counted in the
 * bucket of its first command's date (a batch whose commands straddle a close counts in the first).
 */
const REPORT_SQL = `
WITH bounds AS (
  SELECT (SELECT batch FROM price_history WHERE tenant_id = $1 AND day >= $4 ORDER BY day, batch LIMIT 1) AS lo,
         coalesce((SELECT batch FROM price_history WHERE tenant_id = $1 AND day > $5 ORDER BY day, batch LIMIT 1),
                  (SELECT max(batch) FROM price_history WHERE tenant_id = $1)) AS hi
), commits AS (
  SELECT b.batch, b.first_seq, b.last_seq, coalesce(q.day, 0) AS day_before,
         p.pool, p.supply, p.price,
         coalesce(q.pool, 0) AS pool_before, coalesce(q.supply, 0) AS supply_before
    FROM bounds
    JOIN batches b ON b.tenant_id = $1 AND b.batch BETWEEN bounds.lo AND bounds.hi
    JOIN price_history p ON p.tenant_id = b.tenant_id AND p.batch = b.batch
    LEFT JOIN price_history q ON q.tenant_id = b.tenant_id AND q.batch = b.batch - 1
), days AS (
  SELECT j.seq, j.command::jsonb AS command, j.result,
         c.day_before + coalesce(sum(CASE WHEN j.command::jsonb ->> 'type' = 'advance' AND j.result LIKE '{"ok":true%'
                                          THEN (j.command::jsonb ->> 'days')::int END)
                                   OVER (PARTITION BY c.batch ORDER BY j.seq
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::int AS day
    FROM commits c
    JOIN journal j ON j.tenant_id = $1 AND j.seq BETWEEN c.first_seq AND c.last_seq
), facts AS (
  SELECT date_trunc($6, ($7::date + d.day)::timestamp)::date AS period, d.seq,
         d.command ->> 'type' AS type, d.command, d.result::jsonb -> 'outcome' AS outcome
    FROM days d
   WHERE d.result LIKE '{"ok":true%' AND d.day BETWEEN $4 AND $5
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
  SELECT date_trunc($6, ($7::date + day_before)::timestamp)::date AS period,
         sum(pool - pool_before) AS pool_change,
         sum(supply - supply_before) AS supply_change,
         (array_agg(pool ORDER BY batch DESC))[1] AS pool_end,
         (array_agg(price ORDER BY batch DESC))[1] AS price_end
    FROM commits WHERE day_before BETWEEN $4 AND $5 GROUP BY 1
), periods AS (
  SELECT g::date AS period
    FROM generate_series(date_trunc($6, $2::date::timestamp), $3::date::timestamp, ('1 ' || $6)::interval) g
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

/** A report's range: local dates and the engine days they stand for, on the tenant's calendar. */
export interface ReportQuery {
  tenant: string;
  from: string;
  to: string;
  fromDay: number;
  toDay: number;
  /** The date engine day 0 stands for. */
  dayZeroDate: string;
  unit: ReportUnit;
}

export async function selectReport(sql: Sql, query: ReportQuery): Promise<ReportRowSql[]> {
  const { rows } = await sql.query<ReportRowSql>(REPORT_SQL, [
    query.tenant,
    query.from,
    query.to,
    query.fromDay,
    query.toDay,
    query.unit,
    query.dayZeroDate,
  ]);
  return rows;
}
