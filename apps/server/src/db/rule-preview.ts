/**
 * What a rule-change preview fits its demand to: the tenant's accepted orders and sells of its last
 * days, aggregated in SQL over the ledger's journal (read only), each command dated by its batch's
 * day in price_history. Only per-day sums and one row per active member leave the database.
 */
import type { Sql } from "@zengzhi/store";

export interface DailyActivity {
  day: number;
  orders: number;
  /** Σ ln(amount in yuan) and Σ ln² over the day's orders, for a lognormal fit of order amounts. */
  logAmountSum: number;
  logAmountSquares: number;
  amountMinFen: number;
  amountMaxFen: number;
  sells: number;
  /** Points sold (8 decimals) in the day, as a float: a model input, not money. */
  pointsSold: number;
}

const WINDOW_ROWS = `
  WITH days AS (
    SELECT batch, day FROM price_history WHERE tenant_id = $1 AND day > $2
  )
  SELECT d.day, j.command::jsonb AS c
    FROM journal j JOIN days d ON d.batch = j.batch
   WHERE j.tenant_id = $1 AND j.result LIKE '{"ok":true%'
     AND (j.command LIKE '{"type":"order"%' OR j.command LIKE '{"type":"orderPaid"%'
          OR j.command LIKE '{"type":"tillSale"%' OR j.command LIKE '{"type":"sell"%')`;

/** Per day after `afterDay`: the accepted orders (till sales, cash and online) and sells. */
export async function selectDailyActivity(
  sql: Sql,
  tenant: string,
  afterDay: number,
): Promise<DailyActivity[]> {
  const { rows } = await sql.query<Record<string, string | null>>(
    `WITH w AS (${WINDOW_ROWS}),
          o AS (SELECT day, (c->>'amount')::numeric AS amount FROM w WHERE c->>'type' <> 'sell'),
          s AS (SELECT day, (c->>'points')::numeric AS points FROM w WHERE c->>'type' = 'sell'),
          od AS (SELECT day, count(*) AS orders, sum(ln(amount)) AS l1, sum(ln(amount) ^ 2) AS l2,
                        min(amount) AS lo, max(amount) AS hi
                   FROM o WHERE amount > 0 GROUP BY day),
          sd AS (SELECT day, count(*) AS sells, sum(points) AS points FROM s GROUP BY day)
     SELECT coalesce(od.day, sd.day)::text AS day, coalesce(od.orders, 0)::text AS orders,
            coalesce(od.l1, 0)::text AS l1, coalesce(od.l2, 0)::text AS l2,
            coalesce(od.lo, 0)::text AS lo, coalesce(od.hi, 0)::text AS hi,
            coalesce(sd.sells, 0)::text AS sells, coalesce(sd.points, 0)::text AS points
       FROM od FULL JOIN sd ON sd.day = od.day
      ORDER BY 1`,
    [tenant, afterDay],
  );
  return rows.map((r) => ({
    day: Number(r.day),
    orders: Number(r.orders),
    logAmountSum: Number(r.l1),
    logAmountSquares: Number(r.l2),
    amountMinFen: Math.round(Number(r.lo) * 100),
    amountMaxFen: Math.round(Number(r.hi) * 100),
    sells: Number(r.sells),
    pointsSold: Number(r.points),
  }));
}

/** Members who ordered after `afterDay`, with their number of orders then, and how many of them sold. */
export async function selectActiveMembers(
  sql: Sql,
  tenant: string,
  range: { afterDay: number; limit: number },
): Promise<{ members: { id: string; orders: number }[]; sellers: number }> {
  const { rows } = await sql.query<{ member: string; orders: string; sold: boolean }>(
    `WITH w AS (${WINDOW_ROWS})
     SELECT c->>'member' AS member,
            count(*) FILTER (WHERE c->>'type' <> 'sell')::text AS orders,
            bool_or(c->>'type' = 'sell') AS sold
       FROM w GROUP BY 1 ORDER BY 1 LIMIT ${range.limit}`,
    [tenant, range.afterDay],
  );
  return {
    members: rows
      .filter((r) => Number(r.orders) > 0)
      .map((r) => ({ id: r.member, orders: Number(r.orders) })),
    sellers: rows.filter((r) => r.sold).length,
  };
}
