/** The price chart's series, shared by the public page and the operator's dashboard. */
import { useMemo } from "react";
import type { MessageKey } from "../i18n/index.js";
import type { PricePoint } from "../lib/api.js";

/**
 * The price and pool over time: the server's samples, then the figures as they are now (so a young
 * scheme with a single sample still draws a line up to the present).
 */
export function usePriceSeries(
  history: PricePoint[] | undefined,
  now: { price: string; pool: string } | undefined,
  t: (key: MessageKey) => string,
) {
  return useMemo(() => {
    const points: { at: number; price: string; pool: string }[] = (history ?? []).map((p) => ({
      at: Math.floor(new Date(p.at).getTime() / 1000),
      price: p.price,
      pool: p.pool,
    }));
    const last = points[points.length - 1];
    const nowSeconds = Math.floor(Date.now() / 1000);
    if (now !== undefined && (last === undefined || nowSeconds > last.at))
      points.push({ at: nowSeconds, ...now });
    return {
      x: points.map((p) => p.at),
      series: [
        { label: t("chart.price"), values: points.map((p) => p.price), color: "#0f5c63" },
        { label: t("chart.pool"), values: points.map((p) => p.pool), color: "#b86e00", right: true },
      ],
    };
  }, [history, now, t]);
}
