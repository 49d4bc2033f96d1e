/**
 * The self-contained HTML report: the plain-language summary first, then interactive charts (uPlot,
 * inlined), cohort and money tables and sweep heat maps. Everything (script, style, data) is inside
 * the one file, so it opens offline. Pure string building: the caller supplies uPlot's source.
 */
import type { MonteCarloResult } from "./aggregate.js";
import { SWEEP_METRIC_LABELS, type SweepResult } from "./sweep.js";

export interface ReportInput {
  title?: string;
  /** The Monte Carlo of the scenario as given. */
  monteCarlo?: MonteCarloResult;
  sweep?: SweepResult;
  /** The scenario file as read, shown at the end. */
  scenarioRaw: unknown;
  /** What produced the report (command line, date), shown in the footer. */
  generatedBy: string;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v)).replace(
    /</g,
    "\\u003c",
  );

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI","PingFang SC","Noto Sans CJK SC",sans-serif;margin:0;color:#1c2430;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #d5dae1;padding-bottom:4px}
.muted{color:#5b6675;font-size:13px}
.summary{background:#fff;border-left:4px solid #b7791f;padding:12px 18px;margin:16px 0;border-radius:4px}
.summary li{margin:6px 0}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:16px}
.card{background:#fff;border-radius:6px;padding:12px;box-shadow:0 1px 2px rgba(0,0,0,.08);min-width:0}
table{border-collapse:collapse;width:100%;font-size:13px;background:#fff}
th,td{padding:4px 8px;border-bottom:1px solid #e3e7ec;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
.bar{display:inline-block;height:10px;background:#1f5fa8;vertical-align:middle;margin-right:6px}
.hist{display:flex;align-items:flex-end;gap:4px;height:180px;padding-top:10px}
.hist div{flex:1;background:#1f5fa8;position:relative;min-height:1px}
.hist span{position:absolute;top:-18px;left:0;right:0;text-align:center;font-size:11px;color:#333}
.hist-labels{display:flex;gap:4px;font-size:11px;color:#5b6675}.hist-labels div{flex:1;text-align:center}
.stack{display:flex;height:26px;border-radius:4px;overflow:hidden;margin:8px 0}
.stack div{color:#fff;font-size:12px;display:flex;align-items:center;justify-content:center;overflow:hidden}
.heat{width:auto}.heat td{text-align:center;min-width:72px}
select{font:inherit}
pre{background:#fff;padding:12px;overflow:auto;font-size:12px}
`;

/** Client-side rendering; runs in the report page, reads the embedded JSON. */
const CLIENT = String.raw`
const data = JSON.parse(document.getElementById("report-data").textContent);
const fmt = (x, d = 2) => x === null || x === undefined || !isFinite(x) ? "–" : Number(x).toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: 0 });
const pct = (x) => x === null || !isFinite(x) ? "–" : (x * 100).toFixed(x < 0.1 ? 1 : 0) + "%";
const charts = [];
function chartWidth(el) { return Math.max(300, el.clientWidth - 8); }
function bandChart(id, title, band, unit, log) {
  const el = document.getElementById(id);
  if (!el) return;
  const days = band.p50.map((_, i) => i);
  const opts = {
    title, width: chartWidth(el), height: 260,
    scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
    axes: [{ label: "day" }, { label: unit, size: 90 }],
    series: [
      { label: "day" },
      { label: "P10", stroke: "#8fa6bf", width: 1, value: (u, v) => fmt(v, 4) },
      { label: "median", stroke: "#1f5fa8", width: 2, value: (u, v) => fmt(v, 4) },
      { label: "P90", stroke: "#8fa6bf", width: 1, value: (u, v) => fmt(v, 4) },
    ],
    bands: [{ series: [3, 1], fill: "rgba(31,95,168,0.15)" }],
  };
  charts.push([new uPlot(opts, [days, band.p10, band.p50, band.p90], el), el]);
}
function lineChart(id, title, x, series, unit, xLabel) {
  const el = document.getElementById(id);
  if (!el) return;
  const colors = ["#1f5fa8", "#b7791f", "#2f855a", "#c53030"];
  const opts = {
    title, width: chartWidth(el), height: 260, scales: { x: { time: false } },
    axes: [{ label: xLabel }, { label: unit, size: 60 }],
    series: [{ label: xLabel }, ...series.map((s, i) => ({ label: s.label, stroke: colors[i % 4], width: 2, points: { show: true, size: 5 }, value: (u, v) => s.format(v) }))],
  };
  charts.push([new uPlot(opts, [x, ...series.map((s) => s.values)], el), el]);
}
window.addEventListener("resize", () => { for (const [chart, el] of charts) chart.setSize({ width: chartWidth(el), height: 260 }); });

function renderMonteCarlo(mc) {
  bandChart("chart-price", "Price (yuan per point, log scale)", mc.bands.price, "yuan", true);
  bandChart("chart-pool", "Pool (yuan)", mc.bands.pool, "yuan", false);
  bandChart("chart-supply", "Supply (points)", mc.bands.supply, "points", false);
  bandChart("chart-back", "Cash paid back to members (yuan, cumulative)", mc.bands.backToMembers, "yuan", false);
  bandChart("chart-volume", "Order volume (yuan, cumulative)", mc.bands.volume, "yuan", false);
  bandChart("chart-members", "Members", mc.bands.members, "members", false);
  const starts = mc.cohorts.map((c) => c.startDay);
  lineChart("chart-cohort-share", "Per entry cohort: share of members (median of runs)", starts, [
    { label: "first position force-exited", values: mc.cohorts.map((c) => c.exitedShare.p50 * 100), format: (v) => fmt(v, 1) + "%" },
    { label: "got ≥1× back in cash", values: mc.cohorts.map((c) => c.reached1xShare.p50 * 100), format: (v) => fmt(v, 1) + "%" },
    { label: "got ≥2× back in cash", values: mc.cohorts.map((c) => c.reached2xShare.p50 * 100), format: (v) => fmt(v, 1) + "%" },
  ], "%", "cohort start day");
  lineChart("chart-cohort-multiple", "Per entry cohort: payout multiples (median member, median of runs)", starts, [
    { label: "cash back ÷ spend", values: mc.cohorts.map((c) => c.realisedMedian.p50), format: (v) => fmt(v, 2) + "×" },
    { label: "cash + points at final price ÷ spend", values: mc.cohorts.map((c) => c.markedMedian.p50), format: (v) => fmt(v, 2) + "×" },
    { label: "worst 10% (P10 cash back)", values: mc.cohorts.map((c) => c.realisedP10), format: (v) => fmt(v, 2) + "×" },
  ], "× spend", "cohort start day");
  const rows = mc.cohorts.map((c) => "<tr><td>" + c.startDay + "–" + c.endDay + "</td><td>" + fmt(c.members, 0) +
    "</td><td><span class=bar style='width:" + Math.round(c.exitedShare.p50 * 60) + "px'></span>" + pct(c.exitedShare.p50) +
    " <span class=muted>(" + pct(c.exitedShare.p10) + "–" + pct(c.exitedShare.p90) + ")</span></td><td>" +
    (c.daysToExitMedian === null ? "–" : fmt(c.daysToExitMedian, 0)) + "</td><td>" + pct(c.reached1xShare.p50) + "</td><td>" +
    pct(c.reached2xShare.p50) + "</td><td>" + fmt(c.realisedMedian.p50) + "×</td><td>" + fmt(c.realisedP10) + "×</td><td>" +
    fmt(c.realisedWorst) + "×</td><td>" + fmt(c.markedMedian.p50) + "×</td></tr>").join("");
  document.getElementById("cohort-rows").innerHTML = rows;
  const total = mc.histogram.counts.reduce((a, b) => a + b, 0) || 1;
  const peak = Math.max(...mc.histogram.counts, 1);
  document.getElementById("histogram").innerHTML = mc.histogram.counts.map((n) =>
    "<div style='height:" + (100 * n / peak) + "%' title='" + fmt(n, 0) + " members'><span>" + pct(n / total) + "</span></div>").join("");
  const edges = mc.histogram.edges;
  document.getElementById("histogram-labels").innerHTML = edges.map((e, i) =>
    "<div>" + (i + 1 < edges.length ? e + "–" + edges[i + 1] + "×" : "≥" + e + "×") + "</div>").join("");
  const m = mc.money;
  const parts = [["merchants", m.toMerchants.p50, "#2f855a"], ["distribution", m.toDistribution.p50, "#b7791f"], ["platform", m.toPlatform.p50, "#c53030"],
    ["back to members", m.backToMembers.p50, "#1f5fa8"], ["still in the pool", m.stillInPool.p50, "#6b7f99"]];
  const sum = parts.reduce((a, p) => a + p[1], 0) || 1;
  document.getElementById("money-stack").innerHTML = parts.map((p) =>
    "<div style='flex:" + p[1] + ";background:" + p[2] + "' title='" + p[0] + ": ¥" + fmt(p[1], 0) + "'>" + (p[1] / sum > 0.06 ? p[0] : "") + "</div>").join("");
}

function renderSweep(sweep) {
  const select = document.getElementById("heat-metric");
  const draw = () => {
    const metric = select.value;
    const axes = sweep.axes;
    const value = (cell) => cell.metrics[metric];
    const values = sweep.cells.map(value).filter((v) => v !== null && isFinite(v));
    const lo = Math.min(...values), hi = Math.max(...values);
    const color = (v) => {
      if (v === null || !isFinite(v)) return "#eee";
      const t = hi === lo ? 0.5 : (v - lo) / (hi - lo);
      return "hsl(" + (210 - 170 * t) + ",70%," + (88 - 40 * t) + "%)";
    };
    const show = (v) => metric === "finalPrice" || metric === "volumeForTwice" ? fmt(v, 2) : pct(v);
    const groups = axes.length === 3 ? axes[2].values : [null];
    let html = "";
    for (const g of groups) {
      const cells = sweep.cells.filter((c) => g === null || c.values[2] === g);
      const rowsAxis = axes[0], colsAxis = axes[1];
      if (g !== null) html += "<h3>" + axes[2].field + " = " + g + "</h3>";
      html += "<table class=heat><tr><th>" + rowsAxis.field + (colsAxis ? " \\ " + colsAxis.field : "") + "</th>" +
        (colsAxis ? colsAxis.values : [""]).map((v) => "<th>" + v + "</th>").join("") + "</tr>";
      for (const r of rowsAxis.values) {
        html += "<tr><th>" + r + "</th>";
        for (const c of colsAxis ? colsAxis.values : [null]) {
          const cell = cells.find((x) => x.values[0] === r && (c === null || x.values[1] === c));
          const v = cell ? value(cell) : null;
          html += "<td style='background:" + color(v) + "' title='" + (cell ? cell.summary.slice(1, 3).join(" ").replace(/'/g, "&#39;") : "") + "'>" + show(v) + "</td>";
        }
        html += "</tr>";
      }
      html += "</table>";
    }
    document.getElementById("heat").innerHTML = html;
  };
  select.addEventListener("change", draw);
  draw();
}

if (data.monteCarlo) renderMonteCarlo(data.monteCarlo);
if (data.sweep) renderSweep(data.sweep);
document.body.dataset.rendered = "yes";
`;

function monteCarloSection(mc: MonteCarloResult): string {
  const rules = Object.entries(mc.scenario.rules)
    .map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(JSON.stringify(v))}</td></tr>`)
    .join("");
  const money = (Object.entries(mc.money) as [string, { p10: number; p50: number; p90: number }][])
    .map(
      ([k, q]) =>
        `<tr><td>${k}</td><td>${fmtYuan(q.p10)}</td><td>${fmtYuan(q.p50)}</td><td>${fmtYuan(q.p90)}</td></tr>`,
    )
    .join("");
  const v = mc.volumeMultiple;
  return `
<h2>Price, pool and supply over time (median and P10–P90 band across ${mc.runs} runs)</h2>
<p class=muted>Drag on a chart to zoom, double-click to reset; the legend shows the values under the cursor.</p>
<div class=grid>
<div class=card id=chart-price></div><div class=card id=chart-pool></div>
<div class=card id=chart-supply></div><div class=card id=chart-back></div>
<div class=card id=chart-volume></div><div class=card id=chart-members></div>
</div>
<h2>Volume needed to lift the price</h2>
<table><tr><th>price multiple</th><th>volume multiple (median)</th><th>P10–P90</th><th>runs that got there</th><th>orders-only continuum limit</th></tr>
<tr><td>2×</td><td>${fmtTimes(v.twice.p50)}</td><td>${fmtTimes(v.twice.p10)}–${fmtTimes(v.twice.p90)}</td><td>${v.twice.runsReached} of ${mc.runs}</td><td>${fmtTimes(v.theory.twice)}</td></tr>
<tr><td>3×</td><td>${fmtTimes(v.thrice.p50)}</td><td>${fmtTimes(v.thrice.p10)}–${fmtTimes(v.thrice.p90)}</td><td>${v.thrice.runsReached} of ${mc.runs}</td><td>${fmtTimes(v.theory.thrice)}</td></tr></table>
<p class=muted>Per run: the cumulative order volume on the day the price first reached 2× (3×) its end-of-day-0 level, divided by day 0's order volume. The continuum limit holds for orders only: the price grows as pool^(1 − issueRatio).</p>
<h2>Entry cohorts (members by the ${mc.scenario.cohort} of their first order)</h2>
<div class=grid><div class=card id=chart-cohort-share></div><div class=card id=chart-cohort-multiple></div></div>
<div style="overflow-x:auto"><table><thead><tr><th>joined (days)</th><th>members</th><th>first position force-exited (P10–P90)</th><th>median days to exit</th><th>≥1× cash back</th><th>≥2× cash back</th><th>median cash multiple</th><th>P10 cash multiple</th><th>worst</th><th>median marked multiple</th></tr></thead><tbody id=cohort-rows></tbody></table></div>
<p class=muted>Cash multiple: cash a member received (sales and forced exits, after fees) ÷ all the member paid. Marked multiple adds the points still held at the final price, a value that exists only while others keep buying. Shares and multiples are medians across runs; "worst" is the lowest cash multiple of any member of the cohort in any run.</p>
<h2>Payout multiples of all members (cash back ÷ spend, all runs)</h2>
<div class=card><div class=hist id=histogram></div><div class=hist-labels id=histogram-labels></div></div>
<h2>Where the money went (yuan)</h2>
<div class=stack id=money-stack></div>
<table><tr><th>account</th><th>P10</th><th>median</th><th>P90</th></tr>${money}</table>
<p class=muted>toPool is everything that entered the pool (members' pool contributions, sale fees that stayed, financing into the pool); it equals backToMembers + stillInPool.</p>
<h2>Rule set</h2><table>${rules}</table>`;
}

const fmtYuan = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "–");
const fmtTimes = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : "–");

function sweepSection(sweep: SweepResult): string {
  const options = Object.entries(SWEEP_METRIC_LABELS)
    .map(([k, label]) => `<option value="${k}">${escapeHtml(label)}</option>`)
    .join("");
  return `
<h2>Sweep: ${escapeHtml(sweep.axes.map((a) => a.field).join(" × "))} (${sweep.runsPerCell} runs per cell)</h2>
<p>Heat map of <select id=heat-metric>${options}</select> <span class=muted>(median across runs; hover a cell for its summary)</span></p>
<div class=card id=heat></div>`;
}

/** Builds the report page. `assets` is uPlot's minified script and stylesheet. */
export function reportHtml(input: ReportInput, assets: { script: string; style: string }): string {
  const mc = input.monteCarlo;
  const title = input.title ?? mc?.scenario.name ?? "zengzhi simulation";
  const summary = mc?.summary ?? input.sweep?.cells[0]?.summary ?? [];
  const data = { monteCarlo: mc ?? null, sweep: input.sweep ?? null };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${assets.style}</style><style>${STYLE}</style>
</head><body><main>
<h1>${escapeHtml(title)}</h1>
<p class=muted>${escapeHtml(mc?.scenario.description ?? "")}</p>
<div class=summary><strong>What these runs show</strong><ul>${summary.map((s) => `<li>${escapeHtml(s)}</li>`).join("")}</ul>
${input.sweep !== undefined && mc === undefined ? "<p class=muted>(The summary above is for the first cell of the sweep.)</p>" : ""}</div>
${input.sweep !== undefined ? sweepSection(input.sweep) : ""}
${mc !== undefined ? monteCarloSection(mc) : ""}
<h2>Scenario file</h2><details><summary>show</summary><pre>${escapeHtml(JSON.stringify(input.scenarioRaw, null, 2))}</pre></details>
<p class=muted>${escapeHtml(input.generatedBy)}. zengzhi simulator: every rule is applied by the zengzhi engine; the simulator only models demand and behaviour. A simulation is not a forecast and promises nothing.</p>
</main>
<script id="report-data" type="application/json">${scriptJson(data)}</script>
<script>${assets.script}</script>
<script>${CLIENT}</script>
</body></html>
`;
}
