#!/usr/bin/env node
// bench:preview — is the engine fast enough to use while deciding? (issue 14, item 6). Prints figures,
// or with --json one object:
// - `engine` (bench/preview-sim.mjs): the floor of an exact order, the engine and the simulator's orders/s,
//   all measured in this run;
// - `ruleChange` (bench/preview-sim.mjs): one year at about 10,000 orders a day, 50 Monte Carlo runs, on
//   every core;
// - `previews` (bench/preview-live.mjs): previews from the live state of a tenant with 1,000,000 open
//   positions.
// Sizes: BENCH_PREVIEW_ORDERS, BENCH_PREVIEW_RUNS, BENCH_PREVIEW_DAYS, BENCH_PREVIEW_WEIGHT. A benchmark script, not a timed
// test: it never fails on a target.
import os from "node:os";
import { previewLive } from "./preview-live.mjs";
import { measureEngine, measureRuleChange } from "./preview-sim.mjs";

const json = process.argv.includes("--json");
const log = (...a) => (json ? undefined : console.error(...a));
const orders = Number(process.env.BENCH_PREVIEW_ORDERS ?? 1_000_000);
const runs = Number(process.env.BENCH_PREVIEW_RUNS ?? 50);
const days = Number(process.env.BENCH_PREVIEW_DAYS ?? 365);
// BENCH_PREVIEW_WEIGHT=1 runs every order (the design before order weights), for comparison.
const weight =
  process.env.BENCH_PREVIEW_WEIGHT === undefined ? undefined : Number(process.env.BENCH_PREVIEW_WEIGHT);

const load = () => os.loadavg().map((x) => Number(x.toFixed(2)));
const loadBefore = load();
log(`engine: ${orders.toLocaleString()} orders each (load ${loadBefore.join(" ")})`);
const engine = measureEngine({ orders, log });
const perCpu = (name) => engine[name].ordersPerCpuSecond.toLocaleString();
log(
  `    per CPU second: floor ${perCpu("floor")} orders, engine ${perCpu("engine")} (${engine.ratio}× the floor), ` +
    `with member hints ${perCpu("engineHinted")} (${engine.hintedRatio}×), simulator ${engine.sim.ordersPerCpuSecond.toLocaleString()} ` +
    `(${engine.simRatio}×, ${engine.sim.orders.toLocaleString()} orders in ${engine.sim.days} days)`,
);
log(`ruleChange: ${runs} runs of ${days} days on ${os.availableParallelism()} threads`);
const ruleChange = await measureRuleChange({ runs, days, weight });
log(
  `    ${ruleChange.orders.toLocaleString()} orders (${ruleChange.ordersPerRunPerDay.toLocaleString()} a day a run; the engine ` +
    `applied ${ruleChange.engineOrders.toLocaleString()}, order weight ${ruleChange.orderWeight}) in ${ruleChange.seconds} s ` +
    `(CPU ${ruleChange.cpuSeconds} s, target ${ruleChange.targetSeconds} s), invariants broken in ${ruleChange.runsWithBrokenInvariants} runs`,
);
log("previews: a tenant with 1,000,000 open positions");
const previews = await previewLive({ log });

const figures = {
  engine,
  ruleChange,
  previews,
  load: { before: loadBefore, after: load() },
  machine: { cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, node: process.version },
};
if (json) console.log(JSON.stringify(figures, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2));
