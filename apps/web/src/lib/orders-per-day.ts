/** Counting for the dashboard's orders-per-day chart (display only: no rule is involved). */
import type { Order } from "./api.js";

/** Orders per scheme day: a count of the orders the API listed (display only). */
export function ordersPerDay(orders: Order[]): { x: number[]; counts: number[] } {
  const counts = new Map<number, number>();
  for (const order of orders) {
    const day = order.paidDay;
    if (day === null) continue;
    counts.set(day, (counts.get(day) ?? 0) + 1);
  }
  const days = [...counts.keys()].sort((a, b) => a - b);
  return { x: days, counts: days.map((day) => counts.get(day) ?? 0) };
}
