/**
 * The operator's reports: orders, revenue split, pool in and out, points issued and burned, exits,
 * withdrawals and new members per calendar date of the tenant (the date statements show), week or
 * month, computed in SQL
 * (db/reports.ts) over the journal and its per-commit projection, for any range of dates.
 */
import { FIELD_LIMITS } from "@zengzhi/contract";
import { POINT_DECIMALS, formatDecimal, formatMoney, formatPoints, parseDecimal } from "@zengzhi/engine";
import { type ReportRowSql, type ReportUnit, selectReport } from "../db/reports.js";
import type { Session } from "./auth.js";
import { badField } from "./errors.js";
import type { Services } from "./services.js";
import { calendarOf } from "./day-close.js";

const DAY_MS = 86_400_000;
const PRICE_DECIMALS = 8;

/** Days from `from` to `to`, both counted (dates as YYYY-MM-DD). */
export function daysInRange(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

export async function readReport(
  services: Services,
  session: Session,
  query: { from: string; to: string; unit: ReportUnit },
) {
  const days = daysInRange(query.from, query.to);
  if (days < 1) throw badField("to", "must not be before from", "out_of_range");
  if (days > FIELD_LIMITS.reportDaysMax) {
    throw badField("to", `a report covers at most ${FIELD_LIMITS.reportDaysMax} days`, "out_of_range");
  }
  const calendar = await calendarOf(services, session.tenant);
  const rows = await selectReport(services.sql, {
    tenant: session.tenant,
    ...query,
    fromDay: calendar.dayOfDate(query.from),
    toDay: calendar.dayOfDate(query.to),
    dayZeroDate: calendar.dateOfDay(0),
  });
  const timeZone = calendar.timeZone;
  return { timeZone, unit: query.unit, from: query.from, to: query.to, rows: rows.map(reportRow) };
}

const money = (text: string) => formatMoney(parseDecimal(text, 2));
const pointUnits = (text: string) => parseDecimal(text, POINT_DECIMALS);

/** A bucket as the API answers it: decimals at their unit's scale; burned = issued − supply change. */
function reportRow(row: ReportRowSql) {
  const issued = pointUnits(row.points_issued);
  return {
    period: row.period,
    orders: row.orders,
    orderAmount: money(row.order_amount),
    refunds: row.refunds,
    revenuePool: money(row.revenue_pool),
    revenueMerchants: money(row.revenue_merchants),
    revenueDistribution: money(row.revenue_distribution),
    revenuePlatform: money(row.revenue_platform),
    poolIn: money(row.pool_in),
    poolOut: money(row.pool_out),
    poolEnd: row.pool_end === null ? null : money(row.pool_end),
    priceEnd:
      row.price_end === null
        ? null
        : formatDecimal(parseDecimal(row.price_end, PRICE_DECIMALS), PRICE_DECIMALS),
    pointsIssued: formatPoints(issued),
    pointsBurned: formatPoints(issued - pointUnits(row.supply_change)),
    exits: row.exits,
    withdrawals: row.withdrawals,
    withdrawalAmount: money(row.withdrawal_amount),
    withdrawalsApproved: row.withdrawals_approved,
    newMembers: row.new_members,
  };
}
