/**
 * A uPlot line chart that fills its container's width. uPlot draws years of daily points on a
 * canvas without slowing down; values arrive as decimal strings and become numbers here only to
 * place pixels (nothing drawn is used as an amount).
 */
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface ChartSeries {
  label: string;
  values: (string | number | null)[];
  color: string;
  /** Put this series on the right-hand axis. */
  right?: boolean;
}

export interface LineChartProps {
  /** x values: day numbers, or unix seconds when `time` is true. */
  x: number[];
  series: ChartSeries[];
  time?: boolean;
  height?: number;
  bars?: boolean;
  title?: string;
  /** Legend label of the x values. */
  xLabel?: string;
  /** The zone a time axis is shown in (the tenant's); the browser's own zone when absent. */
  timeZone?: string | undefined;
}

// Axis ticks in compact form ("8K", "1.2M"), so large pools fit beside the plot.
const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 2 });
const tickValues = (_: uPlot, ticks: number[]) => ticks.map((tick) => compact.format(tick));

/** Dates on a time axis in the page's language, as fine as uPlot's template for the zoom level asks. */
function dateFormatter(template: string): (date: Date) => string {
  const locale = document.documentElement.lang || undefined;
  let options: Intl.DateTimeFormatOptions = { year: "numeric" };
  if (/\{ss/.test(template))
    options = { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false };
  else if (/\{[hH]/.test(template))
    options = { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false };
  else if (/\{D/.test(template)) options = { month: "numeric", day: "numeric" };
  else if (/\{M/.test(template)) options = { year: "numeric", month: "short" };
  const format = new Intl.DateTimeFormat(locale, options);
  return (date) => format.format(date);
}

const toNumber = (value: string | number | null): number | null =>
  value === null ? null : typeof value === "number" ? value : Number(value);

function showLatestWhenIdle(plot: uPlot, points: number): void {
  if (points > 0 && (plot.cursor.idx === null || plot.cursor.idx === undefined))
    plot.setLegend({ idx: points - 1 }, false);
}

export default function LineChart({
  x,
  series,
  time = false,
  height = 220,
  bars = false,
  title,
  xLabel,
  timeZone,
}: LineChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = holder.current;
    if (element === null) return;
    const hasRight = series.some((s) => s.right === true);
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height,
      scales: { x: { time } },
      legend: { show: true },
      fmtDate: dateFormatter,
      // uPlot shifts each instant so that the browser's zone shows the tenant's wall-clock time.
      ...(timeZone === undefined
        ? {}
        : { tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), timeZone) }),
      cursor: { drag: { x: true, y: false } },
      // Without a cursor over the plot (always, on a phone) the legend shows the latest values
      // instead of uPlot's "--".
      hooks: { setCursor: [(u) => showLatestWhenIdle(u, x.length)] },
      axes: [
        // Day numbers are whole: no ticks between days.
        {
          stroke: "#5b6b73",
          grid: { stroke: "#e7ecee" },
          ...(time ? {} : { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }),
        },
        { stroke: "#5b6b73", grid: { stroke: "#e7ecee" }, size: 56, values: tickValues },
        ...(hasRight
          ? [
              {
                side: 1,
                scale: "right",
                stroke: "#5b6b73",
                grid: { show: false },
                size: 56,
                values: tickValues,
              } as uPlot.Axis,
            ]
          : []),
      ],
      series: [
        { label: xLabel ?? "" },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          scale: s.right === true ? "right" : "y",
          ...(bars ? { fill: `${s.color}55`, paths: uPlot.paths.bars?.({ size: [0.6, 40] }) } : {}),
        })),
      ],
    };
    const data: uPlot.AlignedData = [x, ...series.map((s) => s.values.map(toNumber))];
    const started = performance.now();
    const plot = new uPlot(options, data, element);
    showLatestWhenIdle(plot, x.length);
    // The first draw's cost, for the browser test's figure with years of daily points.
    element.dataset.drawMs = (performance.now() - started).toFixed(1);
    element.dataset.points = String(x.length);
    const observer = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(200, element.clientWidth), height }),
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [x, series, time, height, bars, xLabel, timeZone]);
  return <div className="chart" ref={holder} aria-label={title} role="img" />;
}
