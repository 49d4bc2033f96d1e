#!/usr/bin/env node
// bench:engine — orders per second of the compiled engine on one core, and its memory.
//   (a) plain orders with 1,000,000 open positions: the book is built first, then 1,000,000 more
//       orders are timed (the book grows from 1.0 to 2.0 million positions while they run);
//   (b) an exit-heavy mix: exit at 1.5×, 90% to the pool, issueRatio 0.25, one sell of half an older position after every
//       4 orders, so the price climbs quickly and exits cascade.
// `--json` prints one JSON object. A benchmark script, not a timed test: it reports what it measures.
import os from "node:os";
import { Engine, loadRuleSet } from "@zengzhi/engine";

const json = process.argv.includes("--json");
const OPEN = Number(process.env.BENCH_OPEN_POSITIONS ?? 1_000_000);
const MEASURED = Number(process.env.BENCH_ORDERS ?? 1_000_000);
const EXIT_ORDERS = Number(process.env.BENCH_EXIT_ORDERS ?? 1_000_000);
const log = (...a) => (json ? undefined : console.log(...a));

// 65,536 distinct pre-built orders, cycled: the loop measures the engine, not command construction.
function orderPool(members, seed) {
  const orders = [];
  let x = seed;
  for (let i = 0; i < 65536; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    // 10.00 to 1,009.99 yuan, in fen.
    orders.push({ type: "order", member: `m${x % members}`, amount: BigInt(1000 + (x % 100000)) });
  }
  return orders;
}

const rssMiB = (bytes) => (bytes / 2 ** 20).toFixed(0);
const baseline = process.memoryUsage.rss();

// (a) Plain orders. exitMultiple 10 keeps positions open while the book grows.
const plain = new Engine(loadRuleSet({ exitMultiple: "10" }));
const warm = orderPool(200_000, 1);
for (let i = 0; i < OPEN; i++) plain.apply(warm[i & 65535]);
globalThis.gc?.();
const rssBytes = process.memoryUsage.rss();
const openBefore = plain.openPositionCount();
log(
  `(a) ${openBefore.toLocaleString()} open positions: ${rssMiB(rssBytes)} MiB resident (process baseline ${rssMiB(baseline)} MiB)`,
);

const measured = orderPool(200_000, 7);
let t0 = process.hrtime.bigint();
for (let i = 0; i < MEASURED; i++) plain.apply(measured[i & 65535]);
let seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const ordersPerSecond = MEASURED / seconds;
log(
  `(a) ${Math.round(ordersPerSecond).toLocaleString()} orders/s over ${MEASURED.toLocaleString()} orders; ${plain.openPositionCount().toLocaleString()} open at the end`,
);

// (b) Exit-heavy mix.
// Steady cascades need a price that outruns entry prices: 90% of each order to the pool, a quarter of
// it issued, exit at 1.5×. About one position in ten exits within the run.
const heavy = new Engine(
  loadRuleSet({
    exitMultiple: "1.5",
    issueRatio: "0.25",
    split: { productCost: "0.05", distributionCost: "0.05", platformProfit: "0", poolContribution: "0.9" },
  }),
);
const heavyOrders = orderPool(50_000, 3);
let exits = 0;
let sells = 0;
t0 = process.hrtime.bigint();
for (let i = 0; i < EXIT_ORDERS; i++) {
  const r = heavy.apply(heavyOrders[i & 65535]);
  if (r.exits) exits += r.exits.length;
  if ((i & 3) === 3) {
    const position = heavy.position(1 + ((i * 7919) % heavy.positionCount));
    if (position.status === "open" && position.points > 1n) {
      const s = heavy.apply({
        type: "sell",
        member: position.member,
        position: position.id,
        points: position.points / 2n,
      });
      sells++;
      if (s.ok && s.exits) exits += s.exits.length;
    }
  }
}
seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const exitHeavyOrdersPerSecond = EXIT_ORDERS / seconds;
log(
  `(b) ${Math.round(exitHeavyOrdersPerSecond).toLocaleString()} orders/s with ${sells.toLocaleString()} sells and ${exits.toLocaleString()} forced exits`,
);
const peakRssBytes = process.resourceUsage().maxRSS * 1024;

const result = {
  ordersPerSecond: Math.round(ordersPerSecond),
  exitHeavyOrdersPerSecond: Math.round(exitHeavyOrdersPerSecond),
  openPositions: openBefore,
  rssBytes,
  peakRssBytes,
  exitHeavy: { orders: EXIT_ORDERS, sells, exits },
  machine: { cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, node: process.version },
};
if (json) console.log(JSON.stringify(result));
else log(`peak resident memory ${rssMiB(peakRssBytes)} MiB`);
