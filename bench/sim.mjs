#!/usr/bin/env node
// bench:sim — the simulator on the compiled dist/ (run `npm run build` first):
//   (a) one 3-year scenario with 1,000,000 members and about 10,000,000 orders, in this thread;
//   (b) a 200-run Monte Carlo of about 100,000 orders each, on worker threads (all cores).
// Prints figures, or with --json one object. A benchmark script, not a timed test: it reports what it
// measures and never fails on a target. Sizes can be lowered with BENCH_SIM_SCALE (e.g. 0.1).
import os from "node:os";
import { parseScenario, simulate } from "@zengzhi/sim";
import { monteCarlo } from "@zengzhi/sim/node";

const json = process.argv.includes("--json");
const scale = Number(process.env.BENCH_SIM_SCALE ?? 1);
const runs = Number(process.env.BENCH_SIM_RUNS ?? 200);
const log = (...a) => (json ? undefined : console.error(...a));

let peakRss = 0;
const sampleRss = () => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
};

// (a) 1,000,000 members over 1,095 days (913.24 a day); members keep reordering, on average every
// 60.8 days, so repeats add about 9,000,000 orders. Most hold to the exit, a tenth sell at 2×.
const big = parseScenario({
  name: "bench: 3 years, 1M members, 10M orders",
  horizonDays: 1095,
  runs: 1,
  demand: {
    newMembers: { curve: "constant", perDay: (1_000_000 * scale) / 1095 },
    spend: { distribution: "lognormal", median: "300", sigma: 0.8, min: "10", max: "20000" },
    repeat: { meanDaysBetween: 60.8 },
  },
  behaviour: { holdToExit: 0.9, sellAtMultiple: { share: 0.1, multiple: 2 } },
});
log(`(a) ${big.name}`);
let t0 = performance.now();
let cpu0 = process.cpuUsage();
const { result } = simulate(big, 1, {
  onProgress: (day, total) => {
    sampleRss();
    if (!json && process.stderr.isTTY) process.stderr.write(`\r    day ${day} of ${total}`);
  },
});
const bigScenarioSeconds = (performance.now() - t0) / 1000;
// CPU time (all of this process's threads) says how much work it was, even on a busy machine.
const cpuSeconds = (usage) => (usage.user + usage.system) / 1e6;
const bigScenarioCpuSeconds = cpuSeconds(process.cpuUsage(cpu0));
sampleRss();
if (!json && process.stderr.isTTY) process.stderr.write("\r\x1b[2K");
const c = result.counters;
const ordersPerSecond = c.orders / bigScenarioSeconds;
log(
  `    ${c.members.toLocaleString()} members, ${c.orders.toLocaleString()} orders, ${c.sells.toLocaleString()} sells, ` +
    `${c.exits.toLocaleString()} forced exits in ${bigScenarioSeconds.toFixed(1)} s (CPU ${bigScenarioCpuSeconds.toFixed(1)} s) = ${Math.round(ordersPerSecond).toLocaleString()} orders/s; ` +
    `invariants ${result.invariants.length === 0 ? "sound" : "BROKEN: " + result.invariants[0]}`,
);

// (b) 200 runs of one year: 137 new members a day (50,000), reordering every 182.6 days on average
// (about 50,000 repeats), so about 100,000 orders a run, with every behaviour in the mix.
const mcRaw = {
  name: "bench: Monte Carlo, 100k orders a run",
  horizonDays: 365,
  demand: {
    newMembers: { curve: "constant", perDay: 137 * scale },
    spend: { distribution: "lognormal", median: "300", sigma: 0.8, min: "10", max: "20000" },
    repeat: { meanDaysBetween: 182.6 },
  },
  behaviour: {
    holdToExit: 0.65,
    sellAtMultiple: { share: 0.2, multiple: 2 },
    panicSell: { share: 0.1, stallDays: 14 },
    sellShareDaily: { share: 0.05, rate: 0.01, everyDays: 30 },
  },
};
const threads = os.availableParallelism();
log(`(b) ${mcRaw.name}: ${runs} runs on ${threads} worker threads`);
t0 = performance.now();
cpu0 = process.cpuUsage();
const timer = setInterval(sampleRss, 200);
const mc = await monteCarlo(mcRaw, { runs, seed: 1, threads });
clearInterval(timer);
const monteCarloSeconds = (performance.now() - t0) / 1000;
const monteCarloCpuSeconds = cpuSeconds(process.cpuUsage(cpu0));
sampleRss();
const mcOrders = mc.runs.reduce((sum, run) => sum + run.counters.orders, 0);
const mcSells = mc.runs.reduce((sum, run) => sum + run.counters.sells, 0);
log(
  `    ${mcOrders.toLocaleString()} orders and ${mcSells.toLocaleString()} sells in ${monteCarloSeconds.toFixed(1)} s (CPU ${monteCarloCpuSeconds.toFixed(1)} s) ` +
    `(${Math.round(mcOrders / monteCarloSeconds).toLocaleString()} orders/s over all threads); ` +
    `invariants broken in ${mc.result.invariants.runsBroken} of ${mc.result.invariants.runsChecked} runs`,
);

const maxRss = process.resourceUsage().maxRSS * 1024;
const figures = {
  ordersPerSecond: Math.round(ordersPerSecond),
  bigScenarioSeconds: Number(bigScenarioSeconds.toFixed(2)),
  bigScenarioCpuSeconds: Number(bigScenarioCpuSeconds.toFixed(2)),
  bigScenario: {
    members: c.members,
    orders: c.orders,
    sells: c.sells,
    exits: c.exits,
    invariantsSound: result.invariants.length === 0,
  },
  monteCarloSeconds: Number(monteCarloSeconds.toFixed(2)),
  monteCarloCpuSeconds: Number(monteCarloCpuSeconds.toFixed(2)),
  monteCarlo: {
    runs,
    threads,
    orders: mcOrders,
    sells: mcSells,
    ordersPerSecond: Math.round(mcOrders / monteCarloSeconds),
    runsWithBrokenInvariants: mc.result.invariants.runsBroken,
  },
  rssBytes: Math.max(peakRss, maxRss),
  node: process.version,
  cpus: os.cpus().length,
  scale,
};
if (json) console.log(JSON.stringify(figures));
else
  log(
    `peak RSS ${(figures.rssBytes / 2 ** 30).toFixed(2)} GiB (Node ${process.version}, ${figures.cpus} CPUs)`,
  );
