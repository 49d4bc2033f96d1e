/** Loads the chart (and uPlot) only when a page shows one, keeping it out of the member H5's first load. */
import { lazy, Suspense } from "react";
import type { LineChartProps } from "./line-chart.js";

const LineChart = lazy(() => import("./line-chart.js"));

export type { ChartSeries } from "./line-chart.js";

export function Chart(props: LineChartProps) {
  return (
    <Suspense fallback={<div className="chart chart-empty" style={{ height: props.height ?? 220 }} />}>
      <LineChart {...props} />
    </Suspense>
  );
}
