/**
 * Demand fitted to a tenant's own last days, for rule-change previews: orders a day and their trend,
 * a lognormal of order amounts, how many orders come from new members and how often active members
 * order again, and how much of their points sellers sell a day. A model's inputs, so plain numbers;
 * the amounts the simulator orders are whole yuan from this fit, and the engine does the rest.
 */
import { formatMoney } from "@zengzhi/engine";
import type { FittedDemand } from "@zengzhi/contract";
import type { ScenarioInput } from "@zengzhi/sim";
import type { DailyActivity } from "../db/rule-preview.js";

export interface FitInput {
  /** The engine's day now, and the days of the window that ends with it. */
  today: number;
  days: number;
  activity: DailyActivity[];
  /** Members who ordered in the window: their orders in it and in all (the engine's count). */
  members: { id: string; windowOrders: number; allOrders: number }[];
  sellers: number;
  /** Points outstanding (a float), to turn points sold a day into a rate. */
  supplyPoints: number;
}

/** Trend of daily orders: the least-squares slope of ln(1 + orders) on the day, as a daily factor − 1. */
function trendOf(days: number, perDay: number[]): number {
  if (days < 2) return 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let d = 0; d < days; d++) {
    const y = Math.log1p(perDay[d] ?? 0);
    sx += d;
    sy += y;
    sxx += d * d;
    sxy += d * y;
  }
  const slope = (days * sxy - sx * sy) / (days * sxx - sx * sx);
  // Within ±5% a day: a short window's noise must not compound into millions of members in a year.
  return Math.min(0.05, Math.max(-0.05, Math.expm1(slope)));
}

const yuanText = (fen: number) => formatMoney(BigInt(Math.max(100, Math.round(fen))));

export function fitDemand(input: FitInput): {
  fitted: Omit<FittedDemand, "windowDays">;
  demand: ScenarioInput["demand"];
  behaviour: NonNullable<ScenarioInput["behaviour"]>;
} {
  const { days } = input;
  const perDay = new Array<number>(days).fill(0);
  for (const a of input.activity) perDay[a.day - (input.today - days + 1)] = a.orders;
  const orders = input.activity.reduce((sum, a) => sum + a.orders, 0);
  const l1 = input.activity.reduce((sum, a) => sum + a.logAmountSum, 0);
  const l2 = input.activity.reduce((sum, a) => sum + a.logAmountSquares, 0);
  const mean = orders === 0 ? Math.log(100) : l1 / orders;
  const sigma = orders === 0 ? 0 : Math.min(5, Math.sqrt(Math.max(0, l2 / orders - mean * mean)));
  const withOrders = input.activity.filter((a) => a.orders > 0);
  const minFen = withOrders.length === 0 ? 100 : Math.min(...withOrders.map((a) => a.amountMinFen));
  const maxFen = withOrders.length === 0 ? 10_000 : Math.max(...withOrders.map((a) => a.amountMaxFen));
  const medianFen = Math.exp(mean) * 100;
  const newMembers = input.members.filter((m) => m.allOrders <= m.windowOrders).length;
  const repeatPerDay = Math.max(0, orders - newMembers) / days;
  const active = input.members.length;
  const meanDaysBetween =
    repeatPerDay > 0 && active > 0 ? Math.min(10_000, Math.max(1, active / repeatPerDay)) : null;
  const sellerShare = active === 0 ? 0 : Math.min(1, input.sellers / active);
  const pointsSoldPerDay = input.activity.reduce((sum, a) => sum + a.pointsSold, 0) / days;
  const held = input.supplyPoints * sellerShare;
  const sellRate = held > 0 ? Math.min(1, pointsSoldPerDay / held) : 0;
  const trend = trendOf(days, perDay);
  const newPerDay = newMembers / days;
  return {
    fitted: {
      ordersPerDay: orders / days,
      trendPerDay: trend,
      newMembersPerDay: newPerDay,
      activeMembers: active,
      meanDaysBetweenOrders: meanDaysBetween,
      amountMedian: yuanText(medianFen),
      amountSigma: sigma,
      amountMin: yuanText(minFen),
      amountMax: yuanText(Math.max(minFen, maxFen)),
      sellerShare,
      sellRatePerDay: sellRate,
    },
    demand: {
      newMembers: {
        curve: "phases",
        phases: [
          {
            fromDay: 0,
            perDay: newPerDay,
            growthPerDay: trend,
            maxPerDay: Math.min(1_000_000, Math.max(1, newPerDay * 10)),
          },
        ],
      },
      spend: {
        distribution: "lognormal",
        median: yuanText(medianFen),
        sigma,
        min: yuanText(minFen),
        max: yuanText(Math.max(minFen, maxFen)),
      },
      repeat: meanDaysBetween === null ? null : { meanDaysBetween },
    },
    behaviour:
      sellerShare > 0 && sellRate > 0
        ? { sellShareDaily: { share: sellerShare, rate: sellRate, everyDays: 7 } }
        : {},
  };
}
