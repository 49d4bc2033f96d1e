#!/usr/bin/env node
// bench:engine — orders per second of the compiled engine on one core.
//   (a) plain orders with 1,000,000 open positions; (b) an exit-heavy mix (orders and sells that
//   keep the exit cascade busy); and the peak resident memory. `--json` prints one JSON object.
// A benchmark script, not a timed test: it reports what it measures and never fails on a target.
import os from "node:os";
import { Engine, loadRuleSet } from "@zengzhi/engine";

const json = process.argv.includes("--json");
const OPEN = Number(process.env.BENCH_OPEN_POSITIONS ?? 1_000_000);
const MEASURED = Number(process.env.BENCH_ORDERS ?? 2_000_000);
const EXIT_ORDERS = Number(process.env.BENCH_EXIT_ORDERS ?? 1_000_000);
const log = (...a) => (json ? undefined : console.log(...a));

let peakRss = 0;
const sampleRss = () => {
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) peakRss = rss;
};

// Pre-built commands, so the loop measures the engine and not command construction.
function makeOrders(count, members, seed) {
  const orders = new Array(count);
  let x = seed;
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    // 10.00 to 1,009.99 yuan, in fen.
    orders[i] = { type: "order", member: `m${x % members}`, amount: BigInt(1000 + (x % 100000)) };
  }
  return orders;
}

// (a) Plain orders. exitMultiple 10 keeps the positions open while the book grows to OPEN positions.
const plain = new Engine(loadRuleSet({ exitMultiple: "10" }));
const warm = makeOrders(OPEN, 200_000, 1);
for (let i = 0; i < warm.length; i++) plain.apply(warm[i]);
sampleRss();
const openBefore = plain.exitIndex.size;
log(`(a) ${openBefore.toLocaleString()} open positions built; measuring ${MEASURED.toLocaleString()} orders`);
const measured = makeOrders(MEASURED, 200_000, 7);
let t0 = process.hrtime.bigint();
for (let i = 0; i < measured.length; i++) plain.apply(measured[i]);
let seconds = Number(process.hrtime.bigint() - t0) / 1e9;
sampleRss();
const ordersPerSecond = MEASURED / seconds;
const openPositions = plain.exitIndex.size;
log(`(a) ${Math.round(ordersPerSecond).toLocaleString()} orders/s, ${openPositions.toLocaleString()} open positions at the end`);
const memoryAfterA = process.memoryUsage.rss();

// (b) Exit-heavy mix: default rules (exit at 3×), and after every 4 orders one sell of part of an
// old position, so the price climbs quickly and positions exit in cascades.
const heavy = new Engine(loadRuleSet({}));
const heavyOrders = makeOrders(EXIT_ORDERS, 50_000, 3);
let exits = 0;
let sells = 0;
t0 = process.hrtime.bigint();
for (let i = 0; i < heavyOrders.length; i++) {
  const r = heavy.apply(heavyOrders[i]);
  if (r.exits) exits += r.exits.length;
  if ((i & 3) === 3) {
    const position = heavy.positions[(i * 7919) % heavy.positions.length];
    if (position.status === 0 && position.points > 1n) {
      const s = heavy.apply({ type: "sell", member: position.member.id, position: position.id, points: position.points / 2n });
      sells++;
      if (s.ok && s.exits) exits += s.exits.length;
    }
  }
}
seconds = Number(process.hrtime.bigint() - t0) / 1e9;
sampleRss();
const exitHeavyOrdersPerSecond = EXIT_ORDERS / seconds;
log(`(b) ${Math.round(exitHeavyOrdersPerSecond).toLocaleString()} orders/s with ${sells.toLocaleString()} sells and ${exits.toLocaleString()} forced exits`);

const result = {
  ordersPerSecond: Math.round(ordersPerSecond),
  exitHeavyOrdersPerSecond: Math.round(exitHeavyOrdersPerSecond),
  openPositions,
  rssBytes: memoryAfterA,
  peakRssBytes: peakRss,
  exitHeavy: { orders: EXIT_ORDERS, sells, exits },
  machine: { cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, node: process.version },
};
if (json) console.log(JSON.stringify(result));
else log(`memory: ${(memoryAfterA / 2 ** 20).toFixed(0)} MiB resident with the (a) book; peak ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
